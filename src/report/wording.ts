// The words both renderers use for the same facts, so the JUnit file and the Markdown summary never disagree.
import type { DeliveryReport, MetricReport, ReportOutcome, RolloutOutcome } from "./types.js";

/** What ran, in a few words: `deploy staging`, `promote staging to prod`, or just the command. */
export function subject(report: DeliveryReport): string {
  if (report.env === undefined) return report.command;
  if (report.command === "promote" && report.promotedFrom) return `promote ${report.promotedFrom.env} to ${report.env}`;
  return `${report.command} ${report.env}`;
}

const OUTCOME_WORDS: Readonly<Record<ReportOutcome, string>> = {
  succeeded: "succeeded",
  failed: "FAILED",
  unverified: "deployed but NOT verified",
};

export function outcomeWord(outcome: ReportOutcome): string {
  return OUTCOME_WORDS[outcome];
}

const ROLLOUT_WORDS: Readonly<Record<RolloutOutcome, string>> = {
  "rolled-out": "rolled out",
  unchanged: "unchanged",
  failed: "rollout failed",
  "rolled-back": "rolled back",
  "rollback-failed": "could NOT be rolled back",
  "not-reached": "not reached",
};

export function rolloutWord(outcome: RolloutOutcome): string {
  return ROLLOUT_WORDS[outcome];
}

/** `[0.2, NaN or ±Inf]`, or undefined when the deciding query failed. */
export function valueText(metric: MetricReport): string | undefined {
  if (metric.value === undefined) return undefined;
  return `[${metric.value.map((v) => (v === null ? "NaN or ±Inf" : String(v))).join(", ")}]`;
}

/** `measured [0.2] after 1 measurement`, or `no value (query failed) after 3 measurements`. */
export function measuredText(metric: MetricReport): string {
  const after = `after ${metric.measurements} measurement${metric.measurements === 1 ? "" : "s"}`;
  const value = valueText(metric);
  return value === undefined ? `no value (query failed) ${after}` : `measured ${value} ${after}`;
}
