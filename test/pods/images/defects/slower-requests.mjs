// Preloaded (node --import) by the slower defect of checkout: every request waits DELAY_MS in an onRequest hook inside
// the service's own Fastify before it is handled, so its http_request_duration_seconds histogram sees the slowdown
// the way the analysis reads it (Fastify v5 publishes each new instance on this diagnostics channel before any
// plugin registers).
import { subscribe } from "node:diagnostics_channel";
import { setTimeout as sleep } from "node:timers/promises";

// Measured under the pods test's load (10 requests/s): the good checkout's POST /checkout takes 25-250 ms and the
// analysis reads its p99 from the histogram at 100-250 ms (the 0.1-0.25 s bucket, at most). The relative check only
// fails a p99 whose bucket starts above 1.2 × the end of the good one's (300 ms): 600 ms more puts every request in
// the 0.5-1 s bucket (or just above it), clearly apart from the good one.
const DELAY_MS = 600;

subscribe("fastify.initialization", ({ fastify }) => {
  fastify.addHook("onRequest", () => sleep(DELAY_MS));
});
