import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { collectDefaultMetrics, Histogram, Registry } from "prom-client";
import { REQUEST_DURATION_BUCKETS, REQUEST_DURATION_METRIC } from "./request-duration.js";

declare module "fastify" {
  interface FastifyInstance {
    /** This app's own metrics registry; services register their business counters here. */
    metrics: Registry;
  }
}

/**
 * `http_request_duration_seconds` by route, method and status code, in `registry`: what every service records and
 * what the pipeline's analysis, alerts and dashboards query.
 */
export function requestDurationHistogram(registry: Registry): Histogram<"route" | "method" | "status_code"> {
  return new Histogram({
    name: REQUEST_DURATION_METRIC,
    help: "HTTP request duration by route, method and status code",
    labelNames: ["route", "method", "status_code"] as const,
    buckets: [...REQUEST_DURATION_BUCKETS],
    registers: [registry],
  });
}

/** Request duration histogram by route, method and status, process metrics, and `GET /metrics`. */
export const metricsPlugin = fp(
  async (app: FastifyInstance, options: { service: string }) => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: options.service });
    collectDefaultMetrics({ register: registry });
    const duration = requestDurationHistogram(registry);
    app.decorate("metrics", registry);

    app.addHook("onResponse", async (request, reply) => {
      duration.observe(
        {
          route: request.routeOptions.url ?? "unmatched",
          method: request.method,
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });

    app.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
      reply.header("content-type", registry.contentType);
      return registry.metrics();
    });
  },
  { name: "metrics" },
);
