import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Shop, startShop } from "./support/shop.js";
import { cartWith, newKey, orderOf, paymentOf, postCheckout, productInStock, stockOf } from "./support/shopping.js";

describe("a checkout with a good card", () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop();
  });
  afterAll(() => shop.close());

  it("pays the order, keeps the stock reserved and charges once", async () => {
    const product = await productInStock(shop.api, 3);
    const cartId = await cartWith(shop.api, product.sku, 2);
    const key = newKey();

    const response = await postCheckout(shop.checkout, key, cartId);
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.status).toBe("paid");
    expect(body.order).toMatchObject({ status: "paid", cartId, checkoutId: body.checkoutId });
    expect(body.order.number).toMatch(/^ORD-\d+$/);
    expect(await stockOf(shop.api, product.sku)).toBe(product.stock - 2);

    const payment = await paymentOf(shop.payments, body.checkoutId);
    expect(payment).toMatchObject({ status: "approved", amountMinor: body.order.totalMinor, id: body.order.paymentId });
    expect(await shop.countCharges()).toBe(1);

    const replay = await postCheckout(shop.checkout, key, cartId);
    expect(replay.statusCode).toBe(201);
    expect(replay.json()).toEqual(body);
    expect(await shop.countCharges()).toBe(1);
    expect(await shop.countOrders()).toBe(1);

    const view = await shop.checkout.inject({ method: "GET", url: `/checkout/${body.checkoutId}` });
    expect(view.statusCode).toBe(200);
    expect(view.json()).toEqual({
      checkoutId: body.checkoutId,
      status: "paid",
      order: await orderOf(shop.api, body.order.id),
    });
  });

  it("answers 404 for an unknown checkout and reports readiness of db, api and payments", async () => {
    const missing = await shop.checkout.inject({
      method: "GET",
      url: "/checkout/00000000-0000-4000-8000-000000000000",
    });
    expect(missing.statusCode).toBe(404);
    const ready = await shop.checkout.inject({ method: "GET", url: "/readyz" });
    expect(ready.json()).toEqual({ status: "ready", checks: { database: "ok", api: "ok", payments: "ok" } });
  });

  it("counts checkouts by result", async () => {
    const metrics = (await shop.checkout.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/checkouts_total\{[^}]*result="paid"[^}]*\} 1/);
    expect(metrics).toMatch(/checkouts_total\{[^}]*result="replayed"[^}]*\} 1/);
  });
});
