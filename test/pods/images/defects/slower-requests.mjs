// Preloaded (node --import) by the slower defect of checkout: every request waits DELAY_MS in an onRequest hook inside
// the service's own Fastify before it is handled, so its http_request_duration_seconds histogram sees the slowdown
// the way the analysis reads it (Fastify v5 publishes each new instance on this diagnostics channel before any
// plugin registers).
import { subscribe } from "node:diagnostics_channel";
import { setTimeout as sleep } from "node:timers/promises";

// Measured under the pods test's load (10 requests/s): the good checkout's POST /checkout takes 50-250 ms, a few up
// to 500 ms, and the analysis' histogram p99 reads 450-480 ms. Three times that (about 1.4 s) would break dev's
// absolute p99LatencyMs (1000) too, so the relative check would not be what catches it. 300 ms more puts a share of
// requests into the 0.5-1 s bucket (p99 reads 0.8-1 s, about twice the good one's, over the 1.2× the relative check
// allows) while the slowest stays under 1 s, inside the absolute SLO.
const DELAY_MS = 300;

subscribe("fastify.initialization", ({ fastify }) => {
  fastify.addHook("onRequest", () => sleep(DELAY_MS));
});
