import { fileURLToPath } from "node:url";
import { createPool, createServiceApp, instrumentPool, runMigrations, type ServiceApp } from "@shop/service-kit";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { crashHook } from "./fault-injection.js";
import { createPaymentMetrics } from "./metrics.js";
import { createChargeService } from "./payments/charge.js";
import { InFlightWork } from "./payments/in-flight.js";
import { createRefundService } from "./payments/refund.js";
import { createStaleSettler } from "./payments/settle-stale.js";
import { startSettlementSweep } from "./payments/settlement-sweep.js";
import type { PaymentProvider } from "./provider/provider.js";
import { createSandboxProvider } from "./provider/sandbox.js";
import { createSandboxLedger } from "./provider/sandbox-ledger.js";
import { createPaymentsRepository } from "./repositories/payments.js";
import { registerPaymentRoutes } from "./routes/payments.js";
import { registerRefundRoutes } from "./routes/refunds.js";

export interface BuildAppOptions {
  readonly logger: Logger;
  /** The gateway to charge through; the deterministic sandbox when omitted. */
  readonly provider?: PaymentProvider;
}

const MIGRATIONS = fileURLToPath(new URL("../migrations", import.meta.url));

/** Builds the payments app (not listening): pool, migrations, routes, readiness, metrics. */
export async function buildApp(config: Config, options: BuildAppOptions): Promise<ServiceApp> {
  const pool = createPool(config.DATABASE_URL, options.logger);
  let app: ServiceApp;
  try {
    await runMigrations(pool, MIGRATIONS, options.logger);
    app = await createServiceApp({
      service: "payments",
      logger: options.logger,
      readiness: { database: () => pool.query("SELECT 1") },
    });
  } catch (error) {
    await pool.end();
    throw error;
  }

  instrumentPool(pool, app.metrics);
  const inFlight = new InFlightWork();
  const metrics = createPaymentMetrics(app.metrics);
  const payments = createPaymentsRepository(pool);
  const provider =
    options.provider ?? createSandboxProvider({ slowMs: config.SANDBOX_SLOW_MS, ledger: createSandboxLedger(pool) });
  const staleSettler = createStaleSettler({
    payments,
    provider,
    inFlight,
    settleAfterMs: config.PAYMENT_SETTLE_AFTER_MS,
    logger: app.log,
  });
  const sweep =
    config.PAYMENT_SWEEP_INTERVAL_MS > 0
      ? startSettlementSweep({ intervalMs: config.PAYMENT_SWEEP_INTERVAL_MS, settler: staleSettler, logger: app.log })
      : null;
  // Charges still running for callers that have gone must finish before the pool they write through closes.
  app.addHook("onClose", async () => {
    await sweep?.stop();
    await inFlight.drain();
    await pool.end();
  });

  const charges = createChargeService({
    payments,
    provider,
    fingerprintSecret: config.FINGERPRINT_SECRET,
    metrics,
    inFlight,
    staleSettler,
    crashAt: crashHook(config.PAYMENTS_FAULT),
  });
  registerPaymentRoutes(app, { charges, payments });
  registerRefundRoutes(app, createRefundService(pool, metrics));
  return app;
}
