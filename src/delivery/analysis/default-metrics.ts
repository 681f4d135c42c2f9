// The metrics an environment is judged by when its analysis block lists none: its slo, read from the request
// histogram every shop service exports (packages/service-kit/src/request-duration.ts), for the revision under
// analysis.
import { REQUEST_DURATION_BUCKETS, REQUEST_DURATION_METRIC } from "@shop/service-kit/request-duration";
import type { AnalysisMetricConfig, SloConfig } from "../../config/schema.js";
import { REVISION_SELECTOR } from "./query.js";

/** The histogram every service records its requests in (labels route, method, status_code). */
export const REQUEST_HISTOGRAM = REQUEST_DURATION_METRIC;
/** Its bucket bounds in ms, the unit of the p99 query: the relative check cannot see a change inside one bucket. */
const BUCKETS_MS = REQUEST_DURATION_BUCKETS.map((seconds) => seconds * 1000);
/** How much slower than the revision it replaces a new revision's p99 may be. */
export const DEFAULT_P99_MAX_RATIO = 1.2;

// Scrapes and probes are not traffic: without this a revision nobody calls would pass on its own health checks.
const NOT_INFRASTRUCTURE = 'route!~"/metrics|/healthz|/readyz"';
const REQUESTS = `{${REVISION_SELECTOR},${NOT_INFRASTRUCTURE}}`;
const SERVER_ERRORS = `{${REVISION_SELECTOR},${NOT_INFRASTRUCTURE},status_code=~"5.."}`;
const NOT_SERVER_ERRORS = `{${REVISION_SELECTOR},${NOT_INFRASTRUCTURE},status_code!~"5.."}`;

const rate = (selector: string, suffix = "count") => `sum(rate(${REQUEST_HISTOGRAM}_${suffix}${selector}[{{window}}]))`;
// `or vector(0)`: with no matching requests the numerator has no series, which would hide the denominator.
const share = (part: string) => `(${rate(part)} or vector(0)) / ${rate(REQUESTS)}`;

const limits = { failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4 } as const;

/**
 * The metrics derived from an environment's slo: error ratio ≤ errorRate, p99 latency (ms) ≤ p99LatencyMs and no
 * worse than 1.2× the previous revision's (beyond the histogram's bucket resolution), availability (share of
 * requests without a 5xx) ≥ availability.
 */
export function defaultMetrics(slo: SloConfig): AnalysisMetricConfig[] {
  return [
    {
      name: "error-ratio",
      query: share(SERVER_ERRORS),
      successCondition: `result <= ${slo.errorRate}`,
      ...limits,
    },
    {
      name: "latency-p99",
      query: `histogram_quantile(0.99, sum by (le) (rate(${REQUEST_HISTOGRAM}_bucket${REQUESTS}[{{window}}]))) * 1000`,
      successCondition: `result <= ${slo.p99LatencyMs}`,
      relative: { baseline: "previous", maxRatio: DEFAULT_P99_MAX_RATIO, buckets: BUCKETS_MS },
      ...limits,
    },
    {
      name: "availability",
      query: share(NOT_SERVER_ERRORS),
      successCondition: `result >= ${slo.availability}`,
      ...limits,
    },
  ];
}
