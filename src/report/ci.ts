// ci's report, for the runner's own test view: JUnit XML (a case per step: lint, typecheck, each service's tests,
// the images, integration; a failed step carries its command's output) and a Markdown summary for GitHub's job
// summary. Pure: the steps `ci` ran give the same bytes.
import { formatDuration, lastLines, type StepResult } from "../plan/summary.js";
import { renderSuites } from "./junit-suites.js";
import { codeBlock, md, table } from "./markdown.js";

/** What one run of `ci` did. */
export interface CiRun {
  readonly results: readonly StepResult[];
  /** ISO time the run started. */
  readonly startedAt: string;
  readonly totalMs: number;
  /** What the run covered and why (e.g. "tests and images for the services affected since origin/main"). */
  readonly note?: string;
}

/** The file names of ci's report in the directory `ciReport` returns. */
export const CI_REPORT_FILES = { junit: "ci.xml", markdown: "ci.md" } as const;

/** Lines of a failed step's output kept in the report (the end, where the error is). */
const OUTPUT_LINES = 150;

export function ciPassed(run: CiRun): boolean {
  return run.results.every((r) => r.status !== "failed");
}

export function renderCiJunit(run: CiRun): string {
  const cases = run.results.map((step) => ({
    name: step.name,
    classname: "ci",
    timeMs: step.durationMs,
    ...(step.output || step.detail ? { output: step.output ?? step.detail } : {}),
    result:
      step.status === "passed"
        ? ({ kind: "passed" } as const)
        : step.status === "skipped"
          ? ({ kind: "skipped", message: step.detail ?? "skipped" } as const)
          : ({ kind: "failure", message: `${step.name} failed`, type: "StepFailed" } as const),
  }));
  const suite = { name: "ci", cases, timeMs: run.totalMs, properties: { note: run.note } };
  return renderSuites("ci", run.totalMs, run.startedAt, [suite]);
}

export function renderCiMarkdown(run: CiRun): string {
  const failed = run.results.filter((r) => r.status === "failed");
  const verdict =
    failed.length === 0 ? "✅ ci: passed" : `❌ ci: FAILED at ${md(failed.map((r) => r.name).join(", "))}`;
  const lines = [`### ${verdict} (${formatDuration(run.totalMs)})`, ""];
  if (run.note) lines.push(md(run.note), "");
  const mark = { passed: "✅ ok", failed: "❌ FAILED", skipped: "⏭️ skipped" } as const;
  lines.push(
    ...table(
      ["step", "result", "time", "detail"],
      run.results.map((r) => [
        md(r.name),
        mark[r.status],
        r.status === "skipped" ? "" : formatDuration(r.durationMs),
        md(r.detail ?? ""),
      ]),
    ),
    "",
  );
  for (const step of failed) {
    lines.push(
      `#### ${md(step.name)} failed`,
      "",
      ...codeBlock(lastLines(step.output ?? "(no output)", OUTPUT_LINES)),
      "",
    );
  }
  return `${lines.join("\n")}\n`;
}
