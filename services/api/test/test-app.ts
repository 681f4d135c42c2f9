import { createTestDatabase } from "@shop/embedded-db";
import { createLogger, createPool, loadConfig, type Pool, type ServiceApp } from "@shop/service-kit";
import { inject } from "vitest";
import { buildApp, configSchema } from "../src/index.js";

/** A fresh database for one test file. */
export function createApiTestDatabase(prefix: string): Promise<string> {
  return createTestDatabase(inject("postgresAdminUrl"), prefix);
}

/** The api on `databaseUrl`, built the way server.ts builds it, with logs off. */
export async function buildTestApp(databaseUrl: string, env: Record<string, string> = {}): Promise<ServiceApp> {
  const config = loadConfig(configSchema, { DATABASE_URL: databaseUrl, LOG_LEVEL: "silent", ...env });
  const app = await buildApp(config, { logger: createLogger({ service: "api", level: "silent" }) });
  await app.ready();
  return app;
}

/** A direct pool for assertions on rows the api does not expose; end it after the tests. */
export function connect(databaseUrl: string): Pool {
  return createPool(databaseUrl, createLogger({ service: "api-test", level: "silent" }), 2);
}

/** Creates an open cart holding `lines` and returns its id. */
export async function cartWith(app: ServiceApp, lines: ReadonlyArray<{ sku: string; quantity: number }>) {
  const cart = await app.inject({ method: "POST", url: "/carts" });
  const id: string = cart.json().id;
  for (const line of lines) {
    const added = await app.inject({ method: "POST", url: `/carts/${id}/items`, payload: line });
    if (added.statusCode !== 200) throw new Error(`adding ${line.sku} answered ${added.statusCode}: ${added.body}`);
  }
  return id;
}

/** Inserts a product for one test; `id` fixes the order in which an order reserves its lines. */
export async function insertProduct(
  pool: Pool,
  product: { id?: string; sku: string; stock: number; priceMinor?: number },
): Promise<void> {
  await pool.query(
    `INSERT INTO products (id, sku, name, description, price_minor, currency, stock)
     VALUES (coalesce($1::uuid, gen_random_uuid()), $2, $2, 'test product', $3, 'EUR', $4)`,
    [product.id ?? null, product.sku, product.priceMinor ?? 1000, product.stock],
  );
}

/** Current stock of each SKU. */
export async function stockOf(pool: Pool, ...skus: string[]): Promise<number[]> {
  const result = await pool.query<{ sku: string; stock: number }>(
    "SELECT sku, stock FROM products WHERE sku = ANY($1)",
    [skus],
  );
  return skus.map((sku) => result.rows.find((row) => row.sku === sku)?.stock ?? Number.NaN);
}
