import { ConfigError, loadConfig, type ServiceApp } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CATALOG } from "../src/demo-catalog.js";
import { configSchema } from "../src/index.js";
import { buildTestApp, cartWith, connect, createApiTestDatabase } from "./test-app.js";

describe("the api's lifecycle", () => {
  let url: string;
  let app: ServiceApp;

  beforeAll(async () => {
    url = await createApiTestDatabase("api_lifecycle");
    app = await buildTestApp(url);
  });
  afterAll(() => app.close());

  it("is ready when its database answers", async () => {
    const ready = await app.inject("/readyz");
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready", checks: { database: "ok" } });
  });

  it("publishes an OpenAPI document with every contract route", async () => {
    const doc = (await app.inject("/openapi.json")).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/products",
        "/products/{sku}",
        "/carts",
        "/carts/{id}",
        "/carts/{id}/items",
        "/carts/{id}/items/{sku}",
        "/orders",
        "/orders/{id}",
        "/orders/{id}/transitions",
      ]),
    );
  });

  it("counts orders by status and stock reservations by outcome on /metrics", async () => {
    const cartId = await cartWith(app, [{ sku: "MUG-STONE-350", quantity: 1 }]);
    const order = await app.inject({ method: "POST", url: "/orders", payload: { cartId, checkoutId: "chk-metrics" } });
    expect(order.statusCode).toBe(201);
    await app.inject({ method: "POST", url: `/orders/${order.json().id}/transitions`, payload: { to: "cancelled" } });
    const metrics = (await app.inject("/metrics")).body;
    expect(metrics).toContain('shop_orders_total{status="pending",service="api"} 1');
    expect(metrics).toContain('shop_orders_total{status="cancelled",service="api"} 1');
    expect(metrics).toContain('shop_stock_reservations_total{outcome="reserved",service="api"} 1');
    expect(metrics).toContain('shop_stock_reservations_total{outcome="released",service="api"} 1');
  });

  it("re-runs its migrations on the same database without error or a second seed", async () => {
    const second = await buildTestApp(url);
    try {
      const page = (await second.inject("/products?limit=100")).json();
      expect(page.total).toBe(DEMO_CATALOG.length);
    } finally {
      await second.close();
    }
    const db = connect(url);
    try {
      const applied = await db.query<{ name: string }>("SELECT name FROM schema_migrations ORDER BY name");
      expect(applied.rows.map((r) => r.name)).toEqual([
        "001_products.sql",
        "002_carts.sql",
        "003_orders.sql",
        "004_place_order.sql",
      ]);
      const skus = await db.query("SELECT count(*)::int AS n, count(DISTINCT sku)::int AS d FROM products");
      expect(skus.rows[0]).toEqual({ n: DEMO_CATALOG.length, d: DEMO_CATALOG.length });
    } finally {
      await db.end();
    }
  });

  it("names the variable when its configuration is wrong", () => {
    const variablesOf = (env: NodeJS.ProcessEnv) => {
      try {
        loadConfig(configSchema, env);
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).issues.map((issue) => issue.variable);
      }
    };
    expect(variablesOf({})).toEqual(["DATABASE_URL"]);
    expect(variablesOf({ DATABASE_URL: "mysql://x" })).toEqual(["DATABASE_URL"]);
    expect(variablesOf({ DATABASE_URL: url, SEED_CATALOG: "maybe" })).toEqual(["SEED_CATALOG"]);
    expect(variablesOf({ DATABASE_URL: url, PORT: "http" })).toEqual(["PORT"]);
    expect(loadConfig(configSchema, { DATABASE_URL: url })).toMatchObject({ PORT: 3001, SEED_CATALOG: true });
  });
});
