// Prometheus recording rules for the shop's RED signals (rate, errors, duration), per service and revision and per
// service over the windows the SLO alerts need. They read the one histogram every service exports
// (packages/service-kit/src/metrics.ts) and aggregate by the target labels the scrape job puts on every series:
// the histogram's own `service` label is scraped as `exported_service`, so aggregating by the target label is what
// ties a series to the pod that served it.
import { TARGET_LABELS } from "./scrape-config.js";

/** The request histogram of packages/service-kit (labels route, method, status_code). */
export const REQUEST_HISTOGRAM = "http_request_duration_seconds";

/** Windows the error ratio is recorded over: the short and long windows of the burn-rate alerts. */
export const SLO_WINDOWS = ["5m", "30m", "1h", "6h", "3d"] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** A server error: what the error budget counts. 4xx answers are the client's business. */
export const ERROR_SELECTOR = 'status_code=~"5.."';

/** One recording rule, in Prometheus' field names. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

/** One alerting rule, in Prometheus' field names. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A rule group of a Prometheus rules file. */
export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly (RecordingRule | AlertingRule)[];
}

const byRevision = [TARGET_LABELS.namespace, TARGET_LABELS.service, TARGET_LABELS.revision].join(", ");
const byService = [TARGET_LABELS.namespace, TARGET_LABELS.service].join(", ");

/** Names of the recorded series, so alerts and dashboards never spell them by hand. */
export const RECORDED = {
  /** Requests per second of one revision of one service in one namespace, over 5m. */
  revisionRequests: "service_revision:http_requests:rate5m",
  /** 5xx answers per second of one revision, over 5m (0 while it answers requests without errors). */
  revisionErrors: "service_revision:http_errors:rate5m",
  /** Share of one revision's answers that were 5xx, over 5m. */
  revisionErrorRatio: "service_revision:http_errors:ratio_rate5m",
  /** 50th percentile of one revision's request duration in seconds, over 5m. */
  revisionP50: "service_revision:http_request_duration_seconds:p50_5m",
  /** 99th percentile of one revision's request duration in seconds, over 5m. */
  revisionP99: "service_revision:http_request_duration_seconds:p99_5m",
  /** 99th percentile of a service's request duration over all its revisions, over 5m (the latency SLO). */
  serviceP99: "service:http_request_duration_seconds:p99_5m",
  /** Requests per second of a service over all its revisions, over a window. */
  serviceRequests: (window: SloWindow) => `service:http_requests:rate${window}`,
  /** 5xx answers per second of a service over a window. */
  serviceErrors: (window: SloWindow) => `service:http_errors:rate${window}`,
  /** Share of a service's answers that were 5xx over a window: what the burn-rate alerts compare. */
  serviceErrorRatio: (window: SloWindow) => `service:http_errors:ratio_rate${window}`,
} as const;

/**
 * Requests and errors per second by `labels` over `window`. Errors are written as "5xx, or 0 × all requests" so a
 * service that answers without errors has an error series of 0 rather than none, and its ratio is 0, not absent.
 */
function ratePair(labels: string, window: string): { requests: string; errors: string } {
  const count = `${REQUEST_HISTOGRAM}_count`;
  const requests = `sum by (${labels}) (rate(${count}[${window}]))`;
  return { requests, errors: `sum by (${labels}) (rate(${count}{${ERROR_SELECTOR}}[${window}])) or ${requests} * 0` };
}

function quantile(q: number, labels: string, window: string): string {
  return `histogram_quantile(${q}, sum by (${labels}, le) (rate(${REQUEST_HISTOGRAM}_bucket[${window}])))`;
}

/** The recording rule groups: per revision (dashboards, rollout analysis) and per service (SLO windows). */
export function recordingRuleGroups(): RuleGroup[] {
  const revision = ratePair(byRevision, "5m");
  const perRevision: RecordingRule[] = [
    { record: RECORDED.revisionRequests, expr: revision.requests },
    { record: RECORDED.revisionErrors, expr: revision.errors },
    { record: RECORDED.revisionErrorRatio, expr: `${RECORDED.revisionErrors} / ${RECORDED.revisionRequests}` },
    { record: RECORDED.revisionP50, expr: quantile(0.5, byRevision, "5m") },
    { record: RECORDED.revisionP99, expr: quantile(0.99, byRevision, "5m") },
    { record: RECORDED.serviceP99, expr: quantile(0.99, byService, "5m") },
  ];
  const perService: RecordingRule[] = SLO_WINDOWS.flatMap((window) => {
    const pair = ratePair(byService, window);
    return [
      { record: RECORDED.serviceRequests(window), expr: pair.requests },
      { record: RECORDED.serviceErrors(window), expr: pair.errors },
      {
        record: RECORDED.serviceErrorRatio(window),
        expr: `${RECORDED.serviceErrors(window)} / ${RECORDED.serviceRequests(window)}`,
      },
    ];
  });
  return [
    { name: "shop-http-by-revision", rules: perRevision },
    { name: "shop-http-slo-windows", rules: perService },
  ];
}
