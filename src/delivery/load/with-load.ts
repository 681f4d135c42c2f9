// Synthetic traffic for exactly as long as some work runs, e.g. an analysis that needs requests to measure.
import { startSyntheticLoad } from "./drive.js";
import type { LoadOptionsInput } from "./options.js";
import type { LoadSummary } from "./summary.js";

/** The work's result and what the load did meanwhile. */
export interface WithLoadResult<T> {
  readonly result: T;
  readonly load: LoadSummary;
}

/**
 * Runs `work()` under synthetic load and stops the load when the work settles (or earlier, when the load's own
 * duration is up). If the work throws, the load is stopped and drained first, then the work's error is rethrown.
 * Refused options throw LoadOptionsError before `work()` starts.
 */
export async function withSyntheticLoad<T>(
  options: LoadOptionsInput,
  work: () => Promise<T>,
): Promise<WithLoadResult<T>> {
  const load = startSyntheticLoad(options);
  // The load can fail while the work is running; its error is delivered after the work, not as an unhandled one.
  const done = load.done.then(
    (summary) => ({ ok: true as const, summary }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  let result: T;
  try {
    result = await work();
  } catch (error) {
    load.stop("work-ended");
    await done;
    throw error;
  }
  load.stop("work-ended");
  const outcome = await done;
  if (!outcome.ok) throw outcome.error;
  return { result, load: outcome.summary };
}
