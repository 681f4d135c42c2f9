// Pure decisions about a release's analysis: what each service's run comes down to (the measurement that decided
// each metric), the release's verdict over all of them, and the one-line texts a failed or unverified release
// reports. No I/O: release-analysis.ts runs the analyses, release-deploy.ts acts on the verdict.
import type { AnalysisPhase, AnalysisResult, Measurement, MetricResult } from "./analysis/types.js";
import { PHASE_ORDER } from "./analysis/types.js";
import type { MetricSummary, ReleaseAnalysis, ServiceAnalysis } from "./release-records.js";

/** A service's analysis as the release records it: each metric's phase and the measurement that decided it. */
export function summariseAnalysis(result: AnalysisResult): ServiceAnalysis {
  return {
    revision: result.revision,
    ...(result.previousRevision === undefined ? {} : { previousRevision: result.previousRevision }),
    phase: result.phase,
    message: result.message,
    metrics: result.metrics.map(summariseMetric),
  };
}

/**
 * The measurement behind a metric's phase: the last one of that phase (the one that crossed failureLimit,
 * inconclusiveLimit or consecutiveErrorLimit), or the last one when the metric ended Successful.
 */
export function decidingMeasurement(metric: MetricResult): Measurement | undefined {
  const same = metric.measurements.filter((m) => m.phase === metric.phase);
  return same[same.length - 1] ?? metric.measurements[metric.measurements.length - 1];
}

function summariseMetric(metric: MetricResult): MetricSummary {
  const deciding = decidingMeasurement(metric);
  return {
    metric: metric.name,
    phase: metric.phase,
    measurements: metric.measurements.length,
    // JSON has no NaN or ±Inf; the message keeps their text.
    ...(deciding?.value === undefined ? {} : { value: deciding.value.map((v) => (Number.isFinite(v) ? v : null)) }),
    message: deciding ? deciding.message : metric.message,
  };
}

/** A service whose run was stopped because another service's analysis had already failed. */
export function cancelledAnalysis(
  revision: string,
  previousRevision: string | undefined,
  why: string,
): ServiceAnalysis {
  return {
    revision,
    ...(previousRevision === undefined ? {} : { previousRevision }),
    phase: "Cancelled",
    message: `cancelled: ${why}`,
    metrics: [],
  };
}

/** A service whose run could not start or broke (a bad revision, a plan error): an Error, never a pass. */
export function brokenAnalysis(
  revision: string,
  previousRevision: string | undefined,
  error: unknown,
): ServiceAnalysis {
  return {
    revision,
    ...(previousRevision === undefined ? {} : { previousRevision }),
    phase: "Error",
    message: `analysis could not run: ${error instanceof Error ? error.message : String(error)}`,
    metrics: [],
  };
}

/** The release's verdict: the worst service phase (Failed > Error > Inconclusive > Successful); cancelled runs do not count. */
export function releaseVerdict(
  services: Readonly<Record<string, ServiceAnalysis>>,
  order: readonly string[],
  at: string,
): ReleaseAnalysis {
  const judged = order.filter((s) => services[s] !== undefined);
  let outcome: AnalysisPhase = "Successful";
  for (const service of judged) {
    const phase = services[service]?.phase;
    if (phase === undefined || phase === "Cancelled") continue;
    if (PHASE_ORDER.indexOf(phase) > PHASE_ORDER.indexOf(outcome)) outcome = phase;
  }
  const bad = servicesWith(services, order, outcome);
  const message =
    outcome === "Successful"
      ? `analysis Successful: ${judged.map((s) => `${s} (${services[s]?.metrics.length ?? 0} metrics)`).join(", ") || "no service to analyse"}`
      : `analysis ${outcome}: ${bad.map((s) => serviceProblem(s, services[s] as ServiceAnalysis)).join("; ")}`;
  return {
    outcome,
    verified: outcome === "Successful",
    at,
    message,
    services: Object.fromEntries(judged.map((s) => [s, services[s] as ServiceAnalysis])),
  };
}

/** The verdict on a release that was not analysed because no Prometheus URL was given. */
export function notRunVerdict(env: string, at: string): ReleaseAnalysis {
  return {
    outcome: "NotRun",
    verified: false,
    at,
    message: `not analysed: ${env} has analysis configured but no Prometheus URL was given (--prometheus-url or PROMETHEUS_URL)`,
    services: {},
  };
}

/** Services whose analysis ended in `phase`, in dependency order (a callee's failure explains its callers'). */
export function servicesWith(
  services: Readonly<Record<string, ServiceAnalysis>>,
  order: readonly string[],
  phase: ServiceAnalysis["phase"],
): string[] {
  return order.filter((s) => services[s]?.phase === phase);
}

// `checkout revision 0123456789ab: error-ratio Failed after 1 measurement: result [0.2] did not meet …`
function serviceProblem(service: string, analysis: ServiceAnalysis): string {
  const metrics = analysis.metrics.filter((m) => m.phase === analysis.phase);
  const detail = metrics.length
    ? metrics
        .map(
          (m) =>
            `${m.metric} ${m.phase} after ${m.measurements} measurement${m.measurements === 1 ? "" : "s"}: ${m.message}`,
        )
        .join(", ")
    : analysis.message;
  return `${service} revision ${analysis.revision}: ${detail}`;
}

/**
 * What the user of an unverified release should do, by outcome: no data means no traffic or no scrape; an error
 * means the queries or Prometheus itself; either way the release stays and cannot be promoted.
 */
export function unverifiedAdvice(env: string, analysis: ReleaseAnalysis, prometheusUrl: string | undefined): string {
  const check =
    analysis.outcome === "Inconclusive"
      ? `check that its services get traffic and that Prometheus${prometheusUrl ? ` at ${prometheusUrl}` : ""} scrapes their pods`
      : `check that Prometheus${prometheusUrl ? ` at ${prometheusUrl}` : ""} answers and that the analysis queries in pipeline.yaml (environments.${env}.analysis) are right`;
  return `the release stays in place, recorded as unverified, and cannot be promoted from ${env}: ${check}, then analyse it again with deliver analyze --env ${env}, or roll back with deliver rollback --env ${env}`;
}
