import type { AddressInfo } from "node:net";
import type { Writable } from "node:stream";
import { configSchema as apiConfigSchema, buildApp as buildApi } from "@shop/api";
import { createTestDatabase } from "@shop/embedded-db";
import { buildApp as buildPayments, configSchema as paymentsConfigSchema } from "@shop/payments";
import { createLogger, type ServiceApp } from "@shop/service-kit";
import pg from "pg";
import { inject } from "vitest";
import { buildApp, configSchema } from "../../src/index.js";

export interface ShopOptions {
  /** Checkout's environment on top of the test defaults (timer off). */
  readonly checkoutEnv?: Record<string, string>;
  readonly sandboxSlowMs?: number;
  /** Where checkout's log lines go (silent when omitted). */
  readonly checkoutLogs?: Writable;
}

/** Real api and payments listening on loopback, and a checkout app pointed at them, each with its own database. */
export interface Shop {
  readonly api: ServiceApp;
  readonly checkout: ServiceApp;
  payments(): ServiceApp;
  /** Closes payments but keeps its port, so checkout finds nothing listening there. */
  stopPayments(): Promise<void>;
  /** Starts payments again on its old port with its old database. */
  startPayments(): Promise<void>;
  /** Charges payments has recorded (voided keys are not charges). */
  countCharges(): Promise<number>;
  /** Orders api has recorded. */
  countOrders(): Promise<number>;
  close(): Promise<void>;
}

const silent = (service: string) => createLogger({ service, level: "silent" });
async function count(databaseUrl: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return Number((await client.query(sql)).rows[0].count);
  } finally {
    await client.end();
  }
}

const port = (app: ServiceApp) => (app.server.address() as AddressInfo).port;

/** Starts the three services for one test file. */
export async function startShop(options: ShopOptions = {}): Promise<Shop> {
  const adminUrl = inject("postgresAdminUrl");
  const [apiDb, paymentsDb, checkoutDb] = await Promise.all([
    createTestDatabase(adminUrl, "checkout_api"),
    createTestDatabase(adminUrl, "checkout_payments"),
    createTestDatabase(adminUrl, "checkout"),
  ]);
  const secret = "test-fingerprint-secret-0123456789";
  const paymentsConfig = paymentsConfigSchema.parse({
    DATABASE_URL: paymentsDb,
    FINGERPRINT_SECRET: secret,
    SANDBOX_SLOW_MS: String(options.sandboxSlowMs ?? 1000),
  });
  const api = await buildApi(apiConfigSchema.parse({ DATABASE_URL: apiDb }), { logger: silent("api") });
  await api.listen({ host: "127.0.0.1", port: 0 });
  let payments: ServiceApp | null = await buildPayments(paymentsConfig, { logger: silent("payments") });
  await payments.listen({ host: "127.0.0.1", port: 0 });
  const paymentsPort = port(payments);

  const checkoutConfig = configSchema.parse({
    DATABASE_URL: checkoutDb,
    API_URL: `http://127.0.0.1:${port(api)}`,
    PAYMENTS_URL: `http://127.0.0.1:${paymentsPort}`,
    FINGERPRINT_SECRET: secret,
    RECONCILE_INTERVAL_MS: "0",
    ...options.checkoutEnv,
  });
  const logger = options.checkoutLogs
    ? createLogger({ service: "checkout", destination: options.checkoutLogs })
    : silent("checkout");
  const checkout = await buildApp(checkoutConfig, { logger });
  await checkout.ready();

  return {
    api,
    checkout,
    payments() {
      if (!payments) throw new Error("payments is stopped");
      return payments;
    },
    async stopPayments() {
      await payments?.close();
      payments = null;
    },
    async startPayments() {
      payments = await buildPayments(paymentsConfig, { logger: silent("payments") });
      await payments.listen({ host: "127.0.0.1", port: paymentsPort });
    },
    countCharges: () => count(paymentsDb, "SELECT count(*) FROM payments WHERE status <> 'voided'"),
    countOrders: () => count(apiDb, "SELECT count(*) FROM orders"),
    async close() {
      await checkout.close();
      await Promise.all([api.close(), payments?.close()]);
    },
  };
}
