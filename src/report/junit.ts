// A delivery report as JUnit XML, the format Jenkins' junit step and GitLab's artifacts:reports:junit read: one
// suite for the command itself (its verdict, with the release, images and approval as properties), one for the
// rollout (a case per service) and one for the analysis (a case per service and metric, the threshold beside
// what was measured). Pure: the same report gives the same bytes.

import type { DeliveryReport, MetricReport, ServiceAnalysisReport, ServiceRollout } from "./types.js";
import { measuredText, outcomeWord, rolloutWord, subject } from "./wording.js";
import { renderXmlDocument, type XmlElement } from "./xml.js";

/** How a case ended, in JUnit's terms: failure (a check said no), error (it could not run), skipped. */
type CaseResult =
  | { readonly kind: "passed" }
  | { readonly kind: "failure" | "error" | "skipped"; readonly message: string; readonly type?: string };

interface Case {
  readonly name: string;
  readonly classname: string;
  readonly result: CaseResult;
  /** Shown with the case as its output: what was measured, which revision. */
  readonly output?: string;
  readonly timeMs?: number;
}

interface Suite {
  readonly name: string;
  readonly cases: readonly Case[];
  readonly properties?: Readonly<Record<string, string | undefined>>;
  readonly timeMs?: number;
}

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
  const totals = tally(suites.flatMap((s) => s.cases));
  return renderXmlDocument({
    name: "testsuites",
    attributes: { name, ...totals, time: seconds(report.durationMs) },
    children: suites.map((suite) => suiteElement(suite, report.startedAt)),
  });
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

function suiteElement(suite: Suite, timestamp: string): XmlElement {
  const properties = Object.entries(suite.properties ?? {}).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  return {
    name: "testsuite",
    attributes: { name: suite.name, ...tally(suite.cases), time: seconds(suite.timeMs ?? 0), timestamp },
    children: [
      ...(properties.length > 0
        ? [
            {
              name: "properties",
              children: properties.map(([name, value]) => ({ name: "property", attributes: { name, value } })),
            },
          ]
        : []),
      ...suite.cases.map(caseElement),
    ],
  };
}

function caseElement(testCase: Case): XmlElement {
  const { result } = testCase;
  const children: XmlElement[] = [];
  if (result.kind !== "passed") {
    children.push({
      name: result.kind,
      attributes: { message: result.message, type: result.type },
      ...(result.kind === "skipped" ? {} : { children: [result.message] }),
    });
  }
  if (testCase.output) children.push({ name: "system-out", children: [testCase.output] });
  return {
    name: "testcase",
    attributes: { name: testCase.name, classname: testCase.classname, time: seconds(testCase.timeMs ?? 0) },
    children,
  };
}

function tally(cases: readonly Case[]): { tests: number; failures: number; errors: number; skipped: number } {
  const count = (kind: CaseResult["kind"]) => cases.filter((c) => c.result.kind === kind).length;
  return { tests: cases.length, failures: count("failure"), errors: count("error"), skipped: count("skipped") };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
