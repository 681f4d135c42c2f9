// Where a report goes: `<dir>/deliver-<command>-<env>.xml` (JUnit) and `.md` (Markdown), and the Markdown appended
// to $GITHUB_STEP_SUMMARY when GitHub Actions set it, so several commands in one job each add their section.
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import type { DeliveryReport } from "./types.js";

/** Where to write; either may be absent (then that part is not written). */
export interface ReportDestination {
  /** Directory for the JUnit and Markdown files; created when missing. */
  readonly dir?: string;
  /** A file to append the Markdown to: GitHub's $GITHUB_STEP_SUMMARY. */
  readonly stepSummary?: string;
}

/** `deliver-deploy-staging`: the file name, without extension, of a report (characters unsafe in a name become _). */
export function reportBaseName(report: Pick<DeliveryReport, "command" | "env">): string {
  const env = report.env === undefined ? "" : `-${report.env.replace(/[^A-Za-z0-9._-]/g, "_")}`;
  return `deliver-${report.command}${env}`;
}

/** A failure to write one part of the report: which file, and why. */
export interface ReportWriteFailure {
  readonly path: string;
  readonly detail: string;
}

/**
 * Writes every part of the report it can and returns the paths written and the parts that failed, so a caller
 * whose command failed can still say which report exists.
 */
export async function writeReport(
  report: DeliveryReport,
  destination: ReportDestination,
): Promise<{ written: string[]; failures: ReportWriteFailure[] }> {
  const markdown = renderMarkdown(report);
  const parts: { path: string; write: () => Promise<unknown> }[] = [];
  if (destination.dir !== undefined) {
    const dir = destination.dir;
    const base = join(dir, reportBaseName(report));
    parts.push({ path: `${base}.xml`, write: () => writeIn(dir, `${base}.xml`, renderJunit(report)) });
    parts.push({ path: `${base}.md`, write: () => writeIn(dir, `${base}.md`, markdown) });
  }
  const summary = destination.stepSummary;
  if (summary !== undefined) parts.push({ path: summary, write: () => appendFile(summary, `${markdown}\n`) });
  const settled = await Promise.allSettled(parts.map((part) => part.write()));
  const written: string[] = [];
  const failures: ReportWriteFailure[] = [];
  settled.forEach((outcome, index) => {
    const { path } = parts[index] as { path: string };
    if (outcome.status === "fulfilled") written.push(path);
    else failures.push({ path, detail: errorText(outcome.reason) });
  });
  return { written, failures };
}

async function writeIn(dir: string, path: string, text: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path, text);
}

function errorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}` : message;
}
