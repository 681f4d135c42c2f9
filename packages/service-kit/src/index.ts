// Loads the `app.metrics` type augmentation for every consumer of the kit.
import "./metrics.js";

export { Counter, Gauge, Histogram, type Registry } from "prom-client";
export { ConfigError, loadConfig, serverEnv } from "./config.js";
export { createServiceApp, type ServiceApp, type ServiceAppOptions } from "./create-app.js";
export { currencySchema } from "./currency.js";
export { createPool, instrumentPool, type Pool, type PoolClient, runMigrations, withTransaction } from "./db.js";
export {
  badRequest,
  conflict,
  DownstreamError,
  DownstreamUnavailableError,
  type ErrorBody,
  type FieldIssue,
  HttpError,
  notFound,
  unprocessable,
} from "./errors.js";
export { canonicalJson, requestFingerprint } from "./fingerprint.js";
export type { ReadinessCheck } from "./health.js";
export { type CallOptions, type CallResult, ServiceClient, type ServiceClientOptions } from "./http-client.js";
export { createLogger, REDACTED_PATHS } from "./logger.js";
export { requestDurationHistogram } from "./metrics.js";
export { main, runServer } from "./run-server.js";
export { errorBodySchema, errorResponses, idempotencyKeySchema } from "./schemas.js";
export { storableTextSchema } from "./storable-text.js";
export { captureLogs } from "./testing.js";
