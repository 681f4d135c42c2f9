// What the scaling decision needs from Prometheus for one revision of one service: p99 and error ratio now, the
// highest p99 over the stabilization window and the lowest over the healthy lookback. The p99 and error-ratio queries
// are the analysis' own (defaultMetrics), so scaling and analysis measure the same thing; the window extremes are
// subqueries of the same p99, which keeps the watch stateless between runs.
import { defaultMetrics } from "../analysis/default-metrics.js";
import type { PrometheusClient } from "../analysis/prometheus-client.js";
import { renderQuery } from "../analysis/query.js";
import type { ScalingPolicy } from "./policy.js";

/** The decision's measured inputs (ms and a ratio); undefined: no series; NaN: no requests in the range. */
export interface LatencyMeasurements {
  readonly p99Ms: number | undefined;
  readonly errorRatio: number | undefined;
  readonly peakP99Ms: number | undefined;
  readonly bestP99Ms: number | undefined;
}

/** The four queries for one service's revision, placeholders filled in. */
export function scalingQueries(
  policy: ScalingPolicy,
  service: string,
  revision: string,
): Record<keyof LatencyMeasurements, string> {
  const template = (name: string) => {
    const metric = defaultMetrics(policy.slo).find((m) => m.name === name);
    if (!metric) throw new Error(`defaultMetrics has no ${name} metric`);
    return renderQuery(metric.query, { namespace: policy.namespace, service, revision, window: policy.window });
  };
  const p99 = template("latency-p99");
  // Subquery steps of one watch interval: one point per decision the watch could have taken.
  const step = policy.interval;
  return {
    p99Ms: p99,
    errorRatio: template("error-ratio"),
    peakP99Ms: `max_over_time((${p99})[${policy.stabilizationWindow}:${step}])`,
    bestP99Ms: `min_over_time((${p99})[${policy.healthyLookback}:${step}])`,
  };
}

/** Run the four queries at once; a failed query rejects with its PrometheusQueryError. */
export async function measureLatency(
  prometheus: PrometheusClient,
  queries: Record<keyof LatencyMeasurements, string>,
): Promise<LatencyMeasurements> {
  const first = async (query: string) => (await prometheus.query(query)).samples[0]?.value;
  const [p99Ms, errorRatio, peakP99Ms, bestP99Ms] = await Promise.all([
    first(queries.p99Ms),
    first(queries.errorRatio),
    first(queries.peakP99Ms),
    first(queries.bestP99Ms),
  ]);
  return { p99Ms, errorRatio, peakP99Ms, bestP99Ms };
}
