// A delivery report as JUnit XML, the format Jenkins' junit step and GitLab's artifacts:reports:junit read: one
// suite for the command itself (its verdict, with the release, images and approval as properties), one for the
// rollout (a case per service) and one for the analysis (a case per service and metric, the threshold beside
// what was measured). Pure: the same report gives the same bytes.

import { type Case, type CaseResult, renderSuites, type Suite } from "./junit-suites.js";
import type { DeliveryReport, MetricReport, ServiceAnalysisReport, ServiceRollout } from "./types.js";
import { measuredText, outcomeWord, rolloutWord, subject } from "./wording.js";

/** The report as a JUnit XML document (`<testsuites>`). */
export function renderJunit(report: DeliveryReport): string {
  const name = `deliver ${subject(report)}`;
  const classname = ["deliver", report.command, report.env].filter(Boolean).join(".");
  const suites: Suite[] = [commandSuite(report, name, classname)];
  if (report.rollouts.length > 0) {
    suites.push({
      name: `${name}: rollout`,
      cases: report.rollouts.map((r) => rolloutCase(r, `${classname}.rollout`)),
    });
  }
  if (report.analysis) {
    const analysisClass = `${classname}.analysis`;
    const cases =
      report.analysis.services.length > 0
        ? report.analysis.services.flatMap((s) => analysisCases(s, `${analysisClass}.${s.service}`))
        : [
            {
              name: "analysis",
              classname: analysisClass,
              result:
                report.analysis.outcome === "NotRun"
                  ? { kind: "skipped", message: report.analysis.message }
                  : { kind: "passed" },
              output: report.analysis.message,
            } satisfies Case,
          ];
    suites.push({ name: `${name}: analysis`, cases });
  }
  return renderSuites(name, report.durationMs, report.startedAt, suites);
}

function commandSuite(report: DeliveryReport, name: string, classname: string): Suite {
  const result: CaseResult =
    report.outcome === "succeeded"
      ? { kind: "passed" }
      : {
          kind: "failure",
          message: report.error?.message ?? outcomeWord(report.outcome),
          type: report.error?.type ?? report.outcome,
        };
  const properties: Record<string, string | undefined> = {
    command: report.command,
    environment: report.env,
    outcome: report.outcome,
    release: report.releaseId,
    "promoted-from": report.promotedFrom
      ? `${report.promotedFrom.env}${report.promotedFrom.release ? ` (release ${report.promotedFrom.release})` : ""}`
      : undefined,
    "approved-by": report.approval?.by,
    "approved-at": report.approval?.at,
    "rolled-back": report.rollback ? report.rollback.services.join(", ") || "none" : undefined,
    "rollback-reason": report.rollback?.reason,
  };
  for (const image of report.images) properties[`image.${image.service}`] = image.image;
  return {
    name,
    properties,
    timeMs: report.durationMs,
    cases: [{ name: subject(report), classname, result, timeMs: report.durationMs }],
  };
}

function rolloutCase(rollout: ServiceRollout, classname: string): Case {
  const word = rolloutWord(rollout.outcome);
  const message = rollout.detail ? `${word}: ${rollout.detail}` : word;
  const result: CaseResult =
    rollout.outcome === "failed"
      ? { kind: "failure", message, type: "RolloutFailed" }
      : rollout.outcome === "rollback-failed"
        ? { kind: "error", message, type: "RollbackFailed" }
        : rollout.outcome === "rolled-back" || rollout.outcome === "not-reached"
          ? { kind: "skipped", message }
          : { kind: "passed" };
  return { name: rollout.service, classname, result, output: message };
}

function analysisCases(service: ServiceAnalysisReport, classname: string): Case[] {
  const revision = `revision ${service.revision}${service.previousRevision ? ` (previous ${service.previousRevision})` : ""}`;
  if (service.metrics.length === 0) {
    const message = `${service.phase}: ${service.message}`;
    return [{ name: service.service, classname, result: phaseResult(service.phase, message), output: revision }];
  }
  return service.metrics.map((metric) => ({
    name: metric.metric,
    classname,
    result: phaseResult(metric.phase, metric.message),
    output: `${revision}: ${metricLine(metric)}`,
  }));
}

// `measured [0.2] after 1 measurement; threshold: pass when result <= 0.01; result [0.2] did not meet …`
function metricLine(metric: MetricReport): string {
  return `${metric.phase}, ${measuredText(metric)}; threshold: ${metric.threshold}; ${metric.message}`;
}

function phaseResult(phase: ServiceAnalysisReport["phase"], message: string): CaseResult {
  switch (phase) {
    case "Successful":
      return { kind: "passed" };
    case "Error":
      return { kind: "error", message, type: phase };
    case "Cancelled":
      return { kind: "skipped", message };
    default:
      return { kind: "failure", message, type: phase };
  }
}
