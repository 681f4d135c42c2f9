// Preloaded (node --import) by the one-lane build of checkout: every request but probes and scrapes waits for a single
// lane and holds it LANE_MS, inside the service's own Fastify, so one pod serves at most 1000 / LANE_MS requests a
// second and queues the rest. That is saturation the pods test can cause without burning the node's CPU: with N
// requests in flight per pod each waits about N × LANE_MS, and another pod halves the wait.
import { subscribe } from "node:diagnostics_channel";
import { setTimeout as sleep } from "node:timers/promises";

const LANE_MS = 40;
const INFRASTRUCTURE = new Set(["/healthz", "/readyz", "/metrics"]);
let lane = Promise.resolve();

subscribe("fastify.initialization", ({ fastify }) => {
  fastify.addHook("onRequest", (request) => {
    if (INFRASTRUCTURE.has(request.url.split("?")[0])) return Promise.resolve();
    const turn = lane.then(() => sleep(LANE_MS));
    lane = turn;
    return turn;
  });
});
