import type { Pool, ServiceApp } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, cartWith, connect, createApiTestDatabase, insertProduct, stockOf } from "./test-app.js";

describe("twenty shoppers racing for the last unit", () => {
  let app: ServiceApp;
  let db: Pool;

  beforeAll(async () => {
    const url = await createApiTestDatabase("api_race");
    app = await buildTestApp(url, { SEED_CATALOG: "false" });
    db = connect(url);
  });
  afterAll(async () => {
    await app.close();
    await db.end();
  });

  it("sells it exactly once and never takes stock below zero", async () => {
    await insertProduct(db, { sku: "LAST-ONE", stock: 1 });
    const carts = await Promise.all(
      Array.from({ length: 20 }, () => cartWith(app, [{ sku: "LAST-ONE", quantity: 1 }])),
    );

    const answers = await Promise.all(
      carts.map((cartId, i) =>
        app.inject({ method: "POST", url: "/orders", payload: { cartId, checkoutId: `race-${i}` } }),
      ),
    );

    const won = answers.filter((a) => a.statusCode === 201);
    const lost = answers.filter((a) => a.statusCode === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const answer of lost) {
      expect(answer.json()).toMatchObject({
        error: "out_of_stock",
        details: { sku: "LAST-ONE", requested: 1, available: 0 },
      });
    }
    expect(await stockOf(db, "LAST-ONE")).toEqual([0]);
    const orders = await db.query("SELECT count(*)::int AS n FROM orders");
    expect(orders.rows[0].n).toBe(1);
    const reopened = await db.query("SELECT count(*)::int AS n FROM carts WHERE status = 'open'");
    expect(reopened.rows[0].n).toBe(19);
  });
});
