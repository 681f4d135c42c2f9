// Pure decisions on whether a promotion may go ahead: pipeline.yaml promotes `to` from `from`; whoever approved
// it (when `to` requires approval) is a name worth recording; and `from`'s current release was judged Successful,
// recently, on exactly the digests about to be promoted (when `from` has analysis configured).
import { z } from "zod";
import type { EnvironmentName, PipelineConfig } from "../config/index.js";
import { durationMs } from "./analysis/duration.js";
import { PromotionError } from "./errors.js";
import type { ReleaseRecord } from "./release-records.js";

/** Refuses when pipeline.yaml does not promote `to` from `from`. */
export function assertPromotedFrom(config: PipelineConfig, from: EnvironmentName, to: EnvironmentName): void {
  const rule = config.environments[to].promotion.from;
  if (rule !== from) {
    throw new PromotionError(
      "not_promoted_from",
      `${to} is not promoted from ${from}: pipeline.yaml promotes ${to} from ${rule ?? "nowhere (it is the first environment)"} (environments.${to}.promotion.from)`,
    );
  }
}

// A person or a bot, as a CI system names them: one printable line, short enough to show in a status table.
const approverSchema = z
  .string()
  .trim()
  .min(1, "is empty")
  .max(128, "is longer than 128 characters")
  .regex(/^[^\p{Cc}]+$/u, "contains control characters");

/**
 * The approval to record for a promotion into `to`: refused when `to` has promotion.requiresApproval and no
 * approver is given; an approver given where none is required is recorded all the same.
 */
export function promotionApproval(
  config: PipelineConfig,
  from: EnvironmentName,
  to: EnvironmentName,
  approvedBy: string | undefined,
  now: number,
): { by: string; at: string } | undefined {
  if (approvedBy === undefined) {
    if (!config.environments[to].promotion.requiresApproval) return undefined;
    throw new PromotionError(
      "approval_required",
      `promoting ${from} to ${to} needs an approval (environments.${to}.promotion.requiresApproval is true): run it again with --approve <who> (approvedBy) once someone has approved it`,
    );
  }
  const parsed = approverSchema.safeParse(approvedBy);
  if (!parsed.success) {
    throw new PromotionError(
      "invalid_approver",
      `the approver (--approve) ${parsed.error.issues[0]?.message ?? "is not valid"}: give the name of who approved, e.g. --approve alice@example.com`,
    );
  }
  return { by: parsed.data, at: new Date(now).toISOString() };
}

/** What {@link analysisRefusal} looks at. */
export interface AnalysisEvidence {
  readonly config: PipelineConfig;
  readonly from: EnvironmentName;
  readonly to: EnvironmentName;
  /** `from`'s current release record. */
  readonly current: ReleaseRecord | undefined;
  /** service → `sha256:…` each service runs in `from` right now (what would be promoted). */
  readonly running: Readonly<Record<string, string>>;
  readonly now: number;
}

/**
 * Why `from`'s analysis does not allow this promotion, or undefined when it does (or `from` has no analysis
 * configured): the current release must have a Successful analysis no older than `to`'s promotion.analysisMaxAge,
 * and `from` must run exactly that release's digests.
 */
export function analysisRefusal(evidence: AnalysisEvidence): PromotionError | undefined {
  const { config, from, to, current, running, now } = evidence;
  if (config.environments[from].analysis === undefined) return undefined;
  const refuse = (what: string, todo: string) =>
    new PromotionError(
      "not_analysed",
      `cannot promote ${from} to ${to}: ${from} has analysis configured and ${what}; ${todo}`,
    );
  const analyse = `analyse it with deliver analyze --env ${from} --prometheus-url <url> (Dagger: env analyze)`;
  if (!current) return refuse("no current release is recorded", `deploy ${from} with --prometheus-url <url> first`);
  const release = `its current release ${current.id}`;
  const differ = Object.keys(running)
    .filter((s) => running[s] !== current.digests[s])
    .map((s) => `${s} runs ${running[s]}, the release has ${current.digests[s] ?? "none"}`);
  if (differ.length > 0) {
    return refuse(
      `what it runs is not ${release} (${differ.join("; ")})`,
      `deploy a release to ${from} and let it be analysed before promoting`,
    );
  }
  const analysis = current.analysis;
  if (!analysis) return refuse(`${release} has no analysis on record`, analyse);
  if (analysis.outcome === "NotRun") return refuse(`${release} was not analysed (${analysis.message})`, analyse);
  if (analysis.outcome !== "Successful") {
    return refuse(
      `${release}'s analysis at ${analysis.at} was ${analysis.outcome} (${analysis.message})`,
      analysis.outcome === "Failed" ? `deploy a fixed release to ${from}` : analyse,
    );
  }
  const maxAge = config.environments[to].promotion.analysisMaxAge;
  const age = now - Date.parse(analysis.at);
  if (!(age <= durationMs(maxAge))) {
    return refuse(
      `${release}'s Successful analysis at ${analysis.at} is older than environments.${to}.promotion.analysisMaxAge (${maxAge})`,
      analyse,
    );
  }
  return undefined;
}
