// The request histogram's name and bucket bounds, on their own (no Fastify, no prom-client) so the delivery
// pipeline's analysis can read them: its p99 can only be told apart to within these buckets.

/** The histogram every service records its requests in (labels route, method, status_code). */
export const REQUEST_DURATION_METRIC = "http_request_duration_seconds";

/** Its bucket upper bounds, in seconds. */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
