import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController, type RawServerDefault } from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Logger } from "pino";
import { installErrorHandler } from "./error-handler.js";
import { clientErrorHandler, frameworkErrors, MAX_PARAM_LENGTH } from "./framework-errors.js";
import { type HealthOptions, healthPlugin } from "./health.js";
import { installJsonBodyParser } from "./json-body.js";
import { metricsPlugin } from "./metrics.js";

/** A Fastify app whose routes are typed by zod schemas. */
export type ServiceApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface ServiceAppOptions {
  /** Service name: log name, metrics label, OpenAPI title. */
  readonly service: string;
  readonly version?: string;
  readonly logger: Logger;
  /** Largest accepted request body in bytes (default 64 KiB). */
  readonly bodyLimit?: number;
  readonly readiness?: HealthOptions["checks"];
}

const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds a service's app with what every service shares: validation, errors, request ids, metrics, health, OpenAPI. */
export async function createServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    logController: new LogController({
      requestIdLogLabel: "requestId",
      // Probes and scrapes arrive every few seconds; logging each one would drown the requests that matter.
      disableRequestLogging: (request) => QUIET_PATHS.has(request.url),
    }),
    // An incoming x-request-id is kept (so one id follows a request across services) only if it is safe to log.
    genReqId: (request) => {
      const incoming = request.headers["x-request-id"];
      return typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: "idle",
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
    // Answers the router and Node's HTTP parser would give in their own shapes get ours instead.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  installJsonBodyParser(app);
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  await app.register(swagger, {
    openapi: { info: { title: options.service, version: options.version ?? "0.1.0" } },
    transform: jsonSchemaTransform,
  });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  await app.register(metricsPlugin, { service: options.service });
  await app.register(healthPlugin, { checks: options.readiness ?? {} });
  return app;
}
