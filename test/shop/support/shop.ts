import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterAt, freePort } from "@shop/embedded-db";
import pg from "pg";
import { inject } from "vitest";
import { type Platform, type PlatformOptions, SERVICE_NAMES, startPlatform } from "../../../scripts/lib/platform.js";

export const CARDS = {
  approved: "4242424242424242",
  declined: "4000000000000002",
  insufficientFunds: "4000000000009995",
  slow: "4000000000000259",
} as const;

export const card = (number: string) => ({ number, expMonth: 12, expYear: new Date().getFullYear() + 3, cvc: "123" });

/** The whole shop as processes on free loopback ports, plus direct access to its databases for assertions. */
export interface TestShop extends Platform {
  readonly logDir: string;
  /** A query on one service's own database (the test looks behind the API to check stock and charges). */
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
    service: "api" | "payments" | "checkout",
    text: string,
    values?: unknown[],
  ): Promise<T[]>;
  /** Every log line every service has written so far. */
  logs(): Promise<string>;
}

/** Starts the shop against the run's shared PostgreSQL with its own databases. */
export async function startTestShop(env: PlatformOptions["env"] = {}): Promise<TestShop> {
  const cluster = clusterAt(inject("postgresAdminUrl"));
  const prefix = `shop_${randomBytes(3).toString("hex")}`;
  const logDir = await mkdtemp(join(tmpdir(), "shop-logs-"));
  const ports = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (name) => [name, await freePort()])));
  const platform = await startPlatform({ postgres: cluster, ports, env, databasePrefix: prefix, logDir });
  const pools = {
    api: new pg.Pool({ connectionString: cluster.connectionString(`${prefix}_api`), max: 2 }),
    payments: new pg.Pool({ connectionString: cluster.connectionString(`${prefix}_payments`), max: 2 }),
    checkout: new pg.Pool({ connectionString: cluster.connectionString(`${prefix}_checkout`), max: 2 }),
  };
  return {
    ...platform,
    logDir,
    async sql(service, text, values) {
      return (await pools[service].query(text, values)).rows;
    },
    async logs() {
      const files = await Promise.all(
        SERVICE_NAMES.map((name) => readFile(join(logDir, `${name}.log`), "utf8").catch(() => "")),
      );
      return files.join("\n");
    },
    async stop() {
      await platform.stop();
      await Promise.all(Object.values(pools).map((pool) => pool.end()));
    },
  };
}

/** JSON over HTTP with the status kept, for asserting on answers of any status. */
// biome-ignore lint/suspicious/noExplicitAny: tests assert on answer bodies of every shape
export async function call<T = any>(
  method: string,
  url: string,
  options: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method,
    headers: { ...(options.body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** A cart in the api holding `quantity` of `sku`. */
export async function cartWith(shop: Platform, sku: string, quantity = 1): Promise<string> {
  const cart = await call("POST", `${shop.urls.api}/carts`, { body: {} });
  const added = await call("POST", `${shop.urls.api}/carts/${cart.body.id}/items`, { body: { sku, quantity } });
  if (added.status !== 200) throw new Error(`adding ${sku} failed: ${JSON.stringify(added.body)}`);
  return cart.body.id;
}

/** POST /checkout on the checkout service with a fresh or given idempotency key. */
export function checkout(shop: Platform, cartId: string, cardNumber: string, key = `test-${randomUUID()}`) {
  return call("POST", `${shop.urls.checkout}/checkout`, {
    body: { cartId, card: card(cardNumber) },
    headers: { "idempotency-key": key },
  });
}

/** Stock of one product, read from the api's own database. */
export async function stockOf(shop: TestShop, sku: string): Promise<number> {
  const [row] = await shop.sql<{ stock: number }>("api", "SELECT stock FROM products WHERE sku = $1", [sku]);
  if (!row) throw new Error(`no product ${sku}`);
  return Number(row.stock);
}
