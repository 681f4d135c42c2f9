// A delivery report as GitHub-flavoured Markdown, for $GITHUB_STEP_SUMMARY (shown as the job summary) or any page
// that renders Markdown: a heading with the verdict, then the release, why it failed, the images, each service's
// rollout, what the analysis measured against which threshold, and what was rolled back and why. Every text from
// outside (messages, images, names) is escaped, so a `|` or `<` in an error cannot break the table or the page.
import type { AnalysisReport, DeliveryReport, ReportOutcome, ReportPhase } from "./types.js";
import { measuredText, outcomeWord, rolloutWord, subject } from "./wording.js";
import { legalXmlChars } from "./xml.js";

const OUTCOME_MARKS: Readonly<Record<ReportOutcome, string>> = { succeeded: "✅", failed: "❌", unverified: "⚠️" };
const PHASE_MARKS: Readonly<Record<ReportPhase | AnalysisReport["outcome"], string>> = {
  Successful: "✅",
  Failed: "❌",
  Inconclusive: "⚠️",
  Error: "❌",
  Cancelled: "⏹️",
  NotRun: "⏭️",
};

/** The report as a Markdown section that starts with a level-3 heading and ends with a blank line. */
export function renderMarkdown(report: DeliveryReport): string {
  const lines = [
    `### ${OUTCOME_MARKS[report.outcome]} deliver ${md(subject(report))}: ${outcomeWord(report.outcome)}`,
    "",
  ];
  lines.push(...list(facts(report)), "");
  if (report.error)
    lines.push(`**${report.outcome === "failed" ? "Why it failed" : "Why"}:** ${md(report.error.message)}`, "");
  if (report.images.length > 0) {
    lines.push("#### Images", "");
    lines.push(
      ...table(
        ["service", "image", "revision"],
        report.images.map((i) => [md(i.service), code(i.image), i.revision === undefined ? "" : md(i.revision)]),
      ),
      "",
    );
  }
  if (report.rollouts.length > 0) {
    lines.push("#### Rollout", "");
    lines.push(
      ...table(
        ["service", "outcome", "detail"],
        report.rollouts.map((r) => [md(r.service), md(rolloutWord(r.outcome)), md(r.detail ?? "")]),
      ),
      "",
    );
  }
  if (report.analysis) lines.push(...analysisSection(report.analysis));
  if (report.rollback) {
    const { services, reason, failures } = report.rollback;
    const rows: [string, string][] = [
      ["services", md(services.join(", ") || "none")],
      ["why", md(reason)],
    ];
    if (failures.length > 0) rows.push(["could NOT roll back", md(failures.join("; "))]);
    lines.push("#### Rolled back", "", ...list(rows), "");
  }
  return `${lines.join("\n")}\n`;
}

function facts(report: DeliveryReport): [string, string][] {
  const rows: [string, string][] = [
    ["environment", md(report.env ?? "(not given)")],
    ["started", `${md(report.startedAt)} (took ${(report.durationMs / 1000).toFixed(1)} s)`],
  ];
  if (report.releaseId !== undefined) rows.push(["release", code(report.releaseId)]);
  if (report.promotedFrom) {
    const { env, release } = report.promotedFrom;
    rows.push(["promoted from", `${md(env)}${release === undefined ? "" : ` (release ${code(release)})`}`]);
  }
  if (report.approval) rows.push(["approved by", `${md(report.approval.by)} at ${md(report.approval.at)}`]);
  return rows;
}

function analysisSection(analysis: AnalysisReport): string[] {
  const verified = analysis.verified ? "verified" : "not verified";
  const lines = [
    `#### Analysis: ${PHASE_MARKS[analysis.outcome]} ${analysis.outcome}, ${verified}`,
    "",
    `${md(analysis.message)} (${md(analysis.at)})`,
    "",
  ];
  if (analysis.services.length === 0) return lines;
  const rows: string[][] = [];
  for (const s of analysis.services) {
    const revision = `${code(s.revision)}${s.previousRevision ? ` vs ${code(s.previousRevision)}` : ""}`;
    if (s.metrics.length === 0) rows.push([md(s.service), revision, "", phase(s.phase), md(s.message), ""]);
    for (const m of s.metrics) {
      const why = m.phase === "Successful" ? measuredText(m) : `${measuredText(m)}: ${m.message}`;
      rows.push([md(s.service), revision, md(m.metric), phase(m.phase), md(why), md(m.threshold)]);
    }
  }
  lines.push(...table(["service", "revision", "metric", "result", "measured", "threshold"], rows), "");
  return lines;
}

function phase(value: ReportPhase): string {
  return `${PHASE_MARKS[value]} ${value}`;
}

function list(rows: readonly (readonly [string, string])[]): string[] {
  return rows.map(([name, value]) => `- **${name}:** ${value}`);
}

/** A GitHub table; the cells must be Markdown already (see md and code). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)];
}

/** A fenced code block that holds any text: its fence is longer than any run of backticks inside. */
export function codeBlock(text: string): string[] {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return [fence, legalXmlChars(text), fence];
}

/**
 * Text that Markdown shows as it is: HTML's &, < and > as entities, Markdown's punctuation backslash-escaped, `|`
 * too (it ends a table cell), line breaks as <br>, and characters no document should carry made visible.
 */
export function md(text: string): string {
  return legalXmlChars(text)
    .replace(/[\\`*_[\]~|#]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, "<br>");
}

/** A code span that holds any text: its fence is longer than any run of backticks inside, and `|` is escaped. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${legalXmlChars(text).replace(/\|/g, "\\|").replace(/\r?\n/g, " ")}${pad}${fence}`;
}
