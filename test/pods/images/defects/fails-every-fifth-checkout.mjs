// Preloaded (node --import) by the fails-fifth defect of checkout: every fifth POST /checkout is answered 503 by an
// onRequest hook inside the service's own Fastify, so its http_request_duration_seconds histogram counts the 5xx the
// way the analysis reads them. Fastify v5 publishes each new instance on this diagnostics channel before any plugin
// registers, and hooks added then apply to every route. A counter, not a coin, so every run fails the same share.
import { subscribe } from "node:diagnostics_channel";

let checkouts = 0;

subscribe("fastify.initialization", ({ fastify }) => {
  fastify.addHook("onRequest", async (request, reply) => {
    if (request.method !== "POST" || request.routeOptions.url !== "/checkout") return;
    checkouts += 1;
    if (checkouts % 5 === 0) return reply.code(503).send({ error: "defect build: every fifth checkout fails" });
  });
});
