// Engine-free: timing the steps of `ci` and writing the summary a person reads at the end of a run.

export type StepStatus = "passed" | "failed" | "skipped";

/** What one step of `ci` did. */
export interface StepResult {
  readonly name: string;
  readonly status: StepStatus;
  readonly durationMs: number;
  /** One line about what the step produced or why it was skipped, e.g. "4 images". */
  readonly detail?: string;
  /** The step's output (for a failure: the failing command's stdout and stderr). */
  readonly output?: string;
}

/** What a step's work returns when it succeeds. */
export interface StepOutcome {
  readonly detail?: string;
  readonly output?: string;
}

/** Runs `work` and records it; never throws, so that steps run side by side all report. */
export async function timedStep(
  name: string,
  work: () => Promise<StepOutcome>,
  describeError: (error: unknown) => string = defaultErrorText,
  now: () => number = Date.now,
): Promise<StepResult> {
  const started = now();
  try {
    const outcome = await work();
    return { name, status: "passed", durationMs: now() - started, ...outcome };
  } catch (error) {
    return { name, status: "failed", durationMs: now() - started, output: describeError(error) };
  }
}

/** A step that did not run, and why. */
export function skippedStep(name: string, reason: string): StepResult {
  return { name, status: "skipped", durationMs: 0, detail: reason };
}

/** 850 ms → "0.9s", 75 s → "1m15s". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, "0")}s`;
}

/**
 * A table of the steps, then one verdict line: `ci: passed (5 steps, 3m02s)` or `ci: FAILED at test, build`; `note`
 * (what the run covered and why) comes first, when there is one.
 */
export function formatSummary(results: readonly StepResult[], totalMs: number, note?: string): string {
  const width = Math.max(4, ...results.map((r) => r.name.length));
  const mark: Record<StepStatus, string> = { passed: "ok     ", failed: "FAILED ", skipped: "skipped" };
  const lines = [`${"step".padEnd(width)}  result   time     `.trimEnd()];
  for (const r of results) {
    const time = r.status === "skipped" ? "-" : formatDuration(r.durationMs);
    lines.push(`${r.name.padEnd(width)}  ${mark[r.status]}  ${time.padEnd(7)}  ${r.detail ?? ""}`.trimEnd());
  }
  const failed = results.filter((r) => r.status === "failed").map((r) => r.name);
  lines.push(
    failed.length === 0
      ? `ci: passed (${results.length} steps, ${formatDuration(totalMs)})`
      : `ci: FAILED at ${failed.join(", ")} (${formatDuration(totalMs)})`,
  );
  return note ? `${note}\n\n${lines.join("\n")}` : lines.join("\n");
}

/** The summary followed by each failed step's output (its last `maxLines` lines), headed by the step's name. */
export function formatFailure(results: readonly StepResult[], totalMs: number, note?: string, maxLines = 150): string {
  const sections = results
    .filter((r) => r.status === "failed")
    .map((r) => `── ${r.name} failed ──\n${lastLines(r.output ?? "(no output)", maxLines)}`);
  return [formatSummary(results, totalMs, note), ...sections].join("\n\n");
}

/** Thrown by `ci` when a step failed: the message is the whole failure report. */
export class CiFailedError extends Error {
  override readonly name = "CiFailedError";
  constructor(
    readonly results: readonly StepResult[],
    readonly totalMs: number,
    /** What the run covered and why (see formatSummary). */
    readonly note?: string,
  ) {
    super(formatFailure(results, totalMs, note));
  }

  /** Names of the steps that failed. */
  get failedSteps(): string[] {
    return this.results.filter((r) => r.status === "failed").map((r) => r.name);
  }
}

/** The last `max` lines of `text`, with a note of how many were cut. */
export function lastLines(text: string, max: number): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  if (lines.length <= max) return lines.join("\n");
  return [`… ${lines.length - max} earlier lines cut`, ...lines.slice(-max)].join("\n");
}

// Test runners colour their output; the summary is plain text.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** vitest's closing tally (`Tests  12 passed (12)`) from a run's output, for the summary line of a test step. */
export function testTally(output: string): string | undefined {
  const line = output
    .replace(ANSI, "")
    .split("\n")
    .find((l) => /^\s*Tests\s+\d+/.test(l));
  return line?.trim().replace(/\s+/g, " ");
}

function defaultErrorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
