// The report of deploy, promote, rollback and analyze: where it goes (--report-dir, else $DELIVER_REPORT_DIR, and GitHub's
// $GITHUB_STEP_SUMMARY when set), and the wrapper that writes it however the command ends, a failure included:
// that is when people read it.
import { z } from "zod";
import { ReportWriteError } from "../../delivery/errors.js";
import { type CommandEnding, deliveryReport, type ReportFacts } from "../../report/build.js";
import type { ReportCommand } from "../../report/types.js";
import { type ReportDestination, writeReport } from "../../report/write.js";
import type { CliIo } from "../runner.js";
import { UsageError } from "../usage.js";

/** Environment variable read when --report-dir is not given. */
export const REPORT_DIR_VARIABLE = "DELIVER_REPORT_DIR";
/** The file GitHub Actions shows as the job summary; the Markdown report is appended to it. */
export const STEP_SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY";

export const REPORT_OPTIONS = { "report-dir": { type: "string" } } as const;

export const REPORT_USAGE = `Reports (deploy, promote, rollback, analyze):
  --report-dir <dir>    write deliver-<command>-<env>.xml (JUnit) and .md there, also when the command fails
                        (default $${REPORT_DIR_VARIABLE}); the Markdown is also appended to $${STEP_SUMMARY_VARIABLE}
                        when that is set (GitHub Actions shows it as the job summary)`;

const pathSchema = z.string().trim().min(1, "must name a path, not be empty");

/** Where the report goes; an empty destination means no report. */
export function reportDestination(
  values: { "report-dir"?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): ReportDestination {
  const dir =
    pathOf("--report-dir", values["report-dir"]) ?? pathOf(`$${REPORT_DIR_VARIABLE}`, env[REPORT_DIR_VARIABLE]);
  const stepSummary = pathOf(`$${STEP_SUMMARY_VARIABLE}`, env[STEP_SUMMARY_VARIABLE]);
  return { ...(dir === undefined ? {} : { dir }), ...(stepSummary === undefined ? {} : { stepSummary }) };
}

// A flag given empty is a mistake; a variable set to "" is how shells say "unset".
function pathOf(source: string, value: string | undefined): string | undefined {
  if (value === undefined || (source.startsWith("$") && value === "")) return undefined;
  const parsed = pathSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${source} ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Tells the report what the command has learned so far (the environment, the config, the images it deploys). */
export type Learn = (facts: Partial<Omit<ReportFacts, "command" | "startedAt" | "finishedAt">>) => void;

/**
 * Runs a command and writes its report to `destination` however it ends. `work` returns how it ended, or undefined
 * when there is nothing to report (promote --print). A command that failed fails with its own error, even when
 * its report cannot be written (that is said on stderr); one that succeeded fails with ReportWriteError then.
 */
export async function withReport(
  command: ReportCommand,
  destination: ReportDestination,
  io: CliIo,
  work: (learn: Learn) => Promise<CommandEnding | undefined>,
  now: () => number = Date.now,
): Promise<void> {
  if (destination.dir === undefined && destination.stepSummary === undefined) {
    await work(() => {});
    return;
  }
  const facts: { -readonly [K in keyof ReportFacts]: ReportFacts[K] } = { command, startedAt: now(), finishedAt: 0 };
  const learn: Learn = (learned) => Object.assign(facts, learned);
  let ending: CommandEnding | undefined;
  try {
    ending = await work(learn);
  } catch (error) {
    const { failures } = await report(facts, { kind: "failed", error }, destination, io, now);
    for (const failure of failures) {
      io.err.write(`warning: the report could not be written to ${failure.path} (${failure.detail})\n`);
    }
    throw error;
  }
  if (!ending) return;
  const { failures } = await report(facts, ending, destination, io, now);
  const [first] = failures;
  if (first) throw new ReportWriteError(first.path, first.detail, `${command} ${facts.env ?? ""} succeeded`.trim());
}

async function report(
  facts: ReportFacts,
  ending: CommandEnding,
  destination: ReportDestination,
  io: CliIo,
  now: () => number,
) {
  const written = await writeReport(deliveryReport({ ...facts, finishedAt: now() }, ending), destination);
  if (written.written.length > 0) io.err.write(`report: ${written.written.join(", ")}\n`);
  return written;
}
