// External-target mode: the suite drives a shop someone else started (the e2e Dagger function's services) when the
// E2E_*_URL variables are set, instead of starting its own.
import { E2E_API_DATABASE_VARIABLE, E2E_URL_VARIABLES, type E2eTarget } from "../../../src/plan/e2e.js";

/** Where an already running shop answers, and api's database behind it. */
export interface ExternalTarget {
  readonly urls: Readonly<Record<E2eTarget, string>>;
  readonly apiDatabaseUrl: string;
}

/** The target the environment names, undefined when it names none; half a target is an error naming what is missing. */
export function externalTarget(env: NodeJS.ProcessEnv = process.env): ExternalTarget | undefined {
  const variables = [...Object.values(E2E_URL_VARIABLES), E2E_API_DATABASE_VARIABLE];
  const missing = variables.filter((name) => !env[name]);
  if (missing.length === variables.length) return undefined;
  if (missing.length > 0) {
    throw new Error(`e2e: an external shop needs ${variables.join(", ")}; missing: ${missing.join(", ")}`);
  }
  const entries = Object.entries(E2E_URL_VARIABLES).map(([target, name]) => [target, String(env[name])]);
  return {
    urls: Object.fromEntries(entries) as Record<E2eTarget, string>,
    apiDatabaseUrl: String(env[E2E_API_DATABASE_VARIABLE]),
  };
}
