// Engine-free: which services a `ci` run tests and builds, and the lines that tell the reader why.
import type { AffectedServices } from "../affected/index.js";
import type { ServicePlan } from "./plan.js";

/** What one `ci` run covers beyond lint and typecheck (which always run). */
export interface CiSelection {
  /** Services whose own tests run and whose images the build step builds, in plan order. */
  readonly services: readonly ServicePlan[];
  /** Whether integration runs; it starts every service, so it builds every image. */
  readonly integration: boolean;
  /** Why these services, for the top of the summary; absent when everything runs. */
  readonly note?: string;
  /** Why the build and integration steps have nothing to do, when they do not. */
  readonly idleReason?: string;
}

const MAX_LISTED_FILES = 5;

/** Everything: every service's tests and image, and integration. */
export function fullSelection(plans: readonly ServicePlan[]): CiSelection {
  return { services: [...plans], integration: true };
}

/**
 * Only what changed since `base`: the tests and images of the services src/affected says to build; integration when
 * at least one is affected (the callers it only retests are exercised there, against the new images).
 */
export function affectedSelection(
  plans: readonly ServicePlan[],
  affected: AffectedServices,
  base: string,
): CiSelection {
  const services = plans.filter((plan) => affected.build.includes(plan.name));
  const note = describeAffected(plans, affected, base);
  if (services.length === 0)
    return { services, integration: false, note, idleReason: `no service changed since ${base}` };
  return { services, integration: true, note };
}

/**
 * One line per affected service with its reasons, then the unaffected ones and changed files outside every service:
 *
 *     affected since origin/main:
 *       api: build and test (services/api/src/app.ts changed)
 *       checkout: integration only (calls api, which is rebuilt)
 *       not affected: payments, storefront
 */
export function describeAffected(plans: readonly ServicePlan[], affected: AffectedServices, base: string): string {
  const untouched = plans.map((p) => p.name).filter((name) => affected.reasons[name] === undefined);
  const lines = [`affected since ${base}:`];
  for (const plan of plans) {
    const reasons = affected.reasons[plan.name];
    if (!reasons) continue;
    const scope = affected.build.includes(plan.name) ? "build and test" : "integration only";
    lines.push(`  ${plan.name}: ${scope} (${reasons.join("; ")})`);
  }
  if (untouched.length === plans.length) lines.push("  no service: only lint and typecheck run");
  else if (untouched.length > 0) lines.push(`  not affected: ${untouched.join(", ")}`);
  if (affected.unclassified.length > 0)
    lines.push(`  changed outside every service: ${preview(affected.unclassified)}`);
  return lines.join("\n");
}

function preview(files: readonly string[]): string {
  const shown = files.slice(0, MAX_LISTED_FILES).join(", ");
  const rest = files.length - MAX_LISTED_FILES;
  return rest > 0 ? `${shown} and ${rest} more` : shown;
}
