import type { AddressInfo } from "node:net";
import { configSchema as apiConfigSchema, buildApp as buildApi } from "@shop/api";
import { buildApp as buildCheckout, configSchema as checkoutConfigSchema } from "@shop/checkout";
import { createTestDatabase } from "@shop/embedded-db";
import { buildApp as buildPayments, configSchema as paymentsConfigSchema } from "@shop/payments";
import { captureLogs, createLogger, type ServiceApp } from "@shop/service-kit";
import pg from "pg";
import { inject } from "vitest";
import { buildApp, configSchema } from "../../src/index.js";

export const APPROVED_CARD = "4242424242424242";
export const DECLINED_CARD = "4000000000000002";
export const COOKIE_SECRET = "storefront-test-cookie-secret-0123456789";

export interface ShopOptions {
  /** How long the sandbox takes for its slow card (payments' SANDBOX_SLOW_MS). */
  readonly sandboxSlowMs?: number;
  /** Checkout's environment on top of the test defaults (reconcile timer off). */
  readonly checkoutEnv?: Record<string, string>;
}

/** The real api, payments and checkout on loopback, and a storefront app (driven by inject) in front of them. */
export interface Shop {
  readonly storefront: ServiceApp;
  /** Every line the storefront logged. */
  storefrontLogs(): string;
  /** Runs SQL against api's database, e.g. to add a product or change stock. */
  apiSql(sql: string, values?: unknown[]): Promise<void>;
  /** Charges payments has recorded (voided keys are not charges). */
  countCharges(): Promise<number>;
  close(): Promise<void>;
}

const silent = (service: string) => createLogger({ service, level: "silent" });
const urlOf = (app: ServiceApp) => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

async function query(databaseUrl: string, sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

async function listening(app: ServiceApp): Promise<ServiceApp> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  return app;
}

/** Starts the whole shop for one test file, each service with its own database. */
export async function startShop(options: ShopOptions = {}): Promise<Shop> {
  const adminUrl = inject("postgresAdminUrl");
  const [apiDb, paymentsDb, checkoutDb] = await Promise.all([
    createTestDatabase(adminUrl, "storefront_api"),
    createTestDatabase(adminUrl, "storefront_payments"),
    createTestDatabase(adminUrl, "storefront_checkout"),
  ]);
  const secret = "storefront-test-fingerprint-secret";
  const [api, payments] = await Promise.all([
    buildApi(apiConfigSchema.parse({ DATABASE_URL: apiDb }), { logger: silent("api") }).then(listening),
    buildPayments(
      paymentsConfigSchema.parse({
        DATABASE_URL: paymentsDb,
        FINGERPRINT_SECRET: secret,
        SANDBOX_SLOW_MS: String(options.sandboxSlowMs ?? 1000),
      }),
      {
        logger: silent("payments"),
      },
    ).then(listening),
  ]);
  const checkoutConfig = checkoutConfigSchema.parse({
    DATABASE_URL: checkoutDb,
    API_URL: urlOf(api),
    PAYMENTS_URL: urlOf(payments),
    FINGERPRINT_SECRET: secret,
    RECONCILE_INTERVAL_MS: "0",
    ...options.checkoutEnv,
  });
  const checkout = await listening(await buildCheckout(checkoutConfig, { logger: silent("checkout") }));

  const logs = captureLogs();
  const storefront = await buildApp(
    configSchema.parse({ API_URL: urlOf(api), CHECKOUT_URL: urlOf(checkout), COOKIE_SECRET }),
    { logger: createLogger({ service: "storefront", level: "debug", destination: logs.stream }) },
  );
  await storefront.ready();

  return {
    storefront,
    storefrontLogs: () => logs.text(),
    async apiSql(sql, values = []) {
      await query(apiDb, sql, values);
    },
    async countCharges() {
      const result = await query(paymentsDb, "SELECT count(*) FROM payments WHERE status <> 'voided'");
      return Number(result.rows[0].count);
    },
    async close() {
      await storefront.close();
      await checkout.close();
      await Promise.all([api.close(), payments.close()]);
    },
  };
}

/** A card form for a card that has not expired. */
export function cardForm(cardNumber: string): Record<string, string> {
  return {
    cardNumber,
    expMonth: "12",
    expYear: String(new Date().getUTCFullYear() + 2),
    cvc: "123",
    holder: "Ada Lovelace",
  };
}
