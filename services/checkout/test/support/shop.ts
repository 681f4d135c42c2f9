import type { AddressInfo } from "node:net";
import type { Writable } from "node:stream";
import { configSchema as apiConfigSchema, buildApp as buildApi } from "@shop/api";
import { createTestDatabase } from "@shop/embedded-db";
import { buildApp as buildPayments, configSchema as paymentsConfigSchema } from "@shop/payments";
import { createLogger, type ServiceApp } from "@shop/service-kit";
import pg from "pg";
import { inject } from "vitest";
import { buildApp, type Config, configSchema } from "../../src/index.js";

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
  readonly payments: ServiceApp;
  readonly checkout: ServiceApp;
  /** Checkout's configuration, to start a second instance on the same database. */
  readonly checkoutConfig: Config;
  /** Closes api or payments but keeps its port, so checkout finds nothing listening there. */
  stop(service: "api" | "payments"): Promise<void>;
  /** Starts it again on its old port with its old database. */
  start(service: "api" | "payments"): Promise<void>;
  /** Charges payments has recorded (voided keys are not charges). */
  countCharges(): Promise<number>;
  /** Orders api has recorded. */
  countOrders(): Promise<number>;
  /** Every row of checkout's own table, as JSON text. */
  checkoutRows(): Promise<string>;
  close(): Promise<void>;
}

const silent = (service: string) => createLogger({ service, level: "silent" });

async function queryOne(databaseUrl: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0].value;
  } finally {
    await client.end();
  }
}

/** A service listening on loopback that can be stopped and started again on the same port. */
async function listening(build: () => Promise<ServiceApp>) {
  let app: ServiceApp | null = await build();
  await app.listen({ host: "127.0.0.1", port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get app(): ServiceApp {
      if (!app) throw new Error(`the service on port ${port} is stopped`);
      return app;
    },
    async stop() {
      await app?.close();
      app = null;
    },
    async start() {
      app = await build();
      await app.listen({ host: "127.0.0.1", port });
    },
  };
}

/** Starts the three services for one test file. */
export async function startShop(options: ShopOptions = {}): Promise<Shop> {
  const adminUrl = inject("postgresAdminUrl");
  const [apiDb, paymentsDb, checkoutDb] = await Promise.all([
    createTestDatabase(adminUrl, "checkout_api"),
    createTestDatabase(adminUrl, "checkout_payments"),
    createTestDatabase(adminUrl, "checkout"),
  ]);
  const secret = "test-fingerprint-secret-0123456789";
  const apiConfig = apiConfigSchema.parse({ DATABASE_URL: apiDb });
  const paymentsConfig = paymentsConfigSchema.parse({
    DATABASE_URL: paymentsDb,
    FINGERPRINT_SECRET: secret,
    SANDBOX_SLOW_MS: String(options.sandboxSlowMs ?? 1000),
  });
  const services = {
    api: await listening(() => buildApi(apiConfig, { logger: silent("api") })),
    payments: await listening(() => buildPayments(paymentsConfig, { logger: silent("payments") })),
  };

  const checkoutConfig = configSchema.parse({
    DATABASE_URL: checkoutDb,
    API_URL: services.api.url,
    PAYMENTS_URL: services.payments.url,
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
    get api() {
      return services.api.app;
    },
    get payments() {
      return services.payments.app;
    },
    checkout,
    checkoutConfig,
    stop: (service) => services[service].stop(),
    start: (service) => services[service].start(),
    countCharges: async () =>
      Number(await queryOne(paymentsDb, "SELECT count(*) AS value FROM payments WHERE status <> 'voided'")),
    countOrders: async () => Number(await queryOne(apiDb, "SELECT count(*) AS value FROM orders")),
    checkoutRows: async () =>
      String(await queryOne(checkoutDb, "SELECT coalesce(json_agg(c), '[]')::text AS value FROM checkouts c")),
    async close() {
      await checkout.close();
      await Promise.all([services.api.stop(), services.payments.stop()]);
    },
  };
}
