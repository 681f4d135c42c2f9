import { fileURLToPath } from "node:url";
import { createPool, createServiceApp, instrumentPool, runMigrations, type ServiceApp } from "@shop/service-kit";
import type { Logger } from "pino";
import { createApiClient } from "./clients/api-client.js";
import { createPaymentsClient } from "./clients/payments-client.js";
import type { Config } from "./config.js";
import { createCheckoutDriver } from "./flow/advance-checkout.js";
import { createCheckoutPlacer } from "./flow/place-checkout.js";
import { createCheckoutMetrics } from "./metrics.js";
import { createReconciler, type ReconcileOptions, type ReconcileSummary } from "./reconcile/reconcile-pending.js";
import { startReconcileTimer } from "./reconcile/reconcile-timer.js";
import { createCheckoutRepository } from "./repositories/checkouts.js";
import { registerGetCheckout } from "./routes/checkout/get-checkout.js";
import { registerPostCheckout } from "./routes/checkout/post-checkout.js";

declare module "fastify" {
  interface FastifyInstance {
    /** Runs one reconciliation pass now (tests and operators); shares a pass that is already running. */
    reconcile: (options?: ReconcileOptions) => Promise<ReconcileSummary>;
  }
}

const MIGRATIONS = fileURLToPath(new URL("../migrations", import.meta.url));

/** Builds the checkout service (not listening): pool, migrations, downstream clients, routes, reconciler. */
export async function buildApp(config: Config, { logger }: { logger: Logger }): Promise<ServiceApp> {
  const pool = createPool(config.DATABASE_URL, logger);
  try {
    await runMigrations(pool, MIGRATIONS, logger);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const api = createApiClient({ baseUrl: config.API_URL, timeoutMs: config.DOWNSTREAM_TIMEOUT_MS });
  const payments = createPaymentsClient({
    baseUrl: config.PAYMENTS_URL,
    timeoutMs: config.DOWNSTREAM_TIMEOUT_MS,
    paymentTimeoutMs: config.PAYMENT_TIMEOUT_MS,
  });

  const app = await createServiceApp({
    service: "checkout",
    logger,
    readiness: {
      database: () => pool.query("SELECT 1"),
      api: () => api.health(),
      payments: () => payments.health(),
    },
  });
  instrumentPool(pool, app.metrics);
  const metrics = createCheckoutMetrics(app.metrics);
  const checkouts = createCheckoutRepository(pool);
  const driver = createCheckoutDriver({ checkouts, api, payments, paymentGraceMs: config.PAYMENT_GRACE_MS, logger });
  // Long enough for the slowest drive: order, lookup, payment, transition and refund, each at its deadline.
  const leaseMs = config.PAYMENT_TIMEOUT_MS + 4 * config.DOWNSTREAM_TIMEOUT_MS + 2000;
  const reconciler = createReconciler({
    checkouts,
    driver,
    minAgeMs: config.PAYMENT_TIMEOUT_MS,
    paymentGraceMs: config.PAYMENT_GRACE_MS,
    leaseMs,
    logger,
    onOutcome: (outcome) => metrics.reconciliations.inc({ outcome }),
  });
  app.decorate("reconcile", (options?: ReconcileOptions) => reconciler.reconcilePending(options));
  const timer =
    config.RECONCILE_INTERVAL_MS > 0
      ? startReconcileTimer({
          intervalMs: config.RECONCILE_INTERVAL_MS,
          pass: () => reconciler.reconcilePending(),
          logger,
        })
      : null;
  app.addHook("onClose", async () => {
    await timer?.stop();
    await pool.end();
  });

  const placeCheckout = createCheckoutPlacer({
    checkouts,
    driver,
    fingerprintSecret: config.FINGERPRINT_SECRET,
    leaseMs,
    waitMs: leaseMs + 1000,
  });
  registerPostCheckout(app, { placeCheckout, metrics });
  registerGetCheckout(app, { checkouts, api });
  return app;
}
