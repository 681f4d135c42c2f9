// Preloaded (node --import) by the slower defect of checkout: every request waits DELAY_MS in an onRequest hook inside
// the service's own Fastify before it is handled, so its http_request_duration_seconds histogram sees the slowdown
// the way the analysis reads it (Fastify v5 publishes each new instance on this diagnostics channel before any
// plugin registers).
import { subscribe } from "node:diagnostics_channel";
import { setTimeout as sleep } from "node:timers/promises";

// Measured under the pods test's load (10 requests/s): the good checkout's POST /checkout takes 25-250 ms and the
// analysis reads its p99 from the histogram at 200-275 ms. 300 ms more moves the slowest requests to the top of the
// 0.25-0.5 s bucket or into the 0.5-1 s one, where p99 read 0.5-0.95 s in our runs: 2-4× the good one's, and inside
// dev's absolute p99LatencyMs (1000) because even the slowest stays under 1 s, so only the relative check catches it.
const DELAY_MS = 300;

subscribe("fastify.initialization", ({ fastify }) => {
  fastify.addHook("onRequest", () => sleep(DELAY_MS));
});
