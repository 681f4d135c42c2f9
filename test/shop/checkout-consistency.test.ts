import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CARDS, call, cartWith, checkout, startTestShop, stockOf, type TestShop } from "./support/shop.js";

describe("checkout across api, payments and checkout: money and stock stay consistent", () => {
  let shop: TestShop;
  let sku: string;

  beforeAll(async () => {
    shop = await startTestShop();
    const products = await call("GET", `${shop.urls.api}/products?limit=5`);
    sku = products.body.items[0].sku;
  });
  afterAll(() => shop?.stop());

  // checkout charges with the order number as the payment's reference
  const paymentsFor = (order: { number: string }) =>
    shop.sql("payments", "SELECT status, amount_minor FROM payments WHERE reference = $1", [order.number]);

  it("a paid checkout reduces stock once and charges the order total once", async () => {
    const before = await stockOf(shop, sku);
    const cartId = await cartWith(shop, sku, 2);
    const answer = await checkout(shop, cartId, CARDS.approved);
    expect(answer.status).toBe(201);
    expect(answer.body.status).toBe("paid");
    expect(answer.body.order.status).toBe("paid");
    expect(await stockOf(shop, sku)).toBe(before - 2);
    const charges = await paymentsFor(answer.body.order);
    expect(charges).toHaveLength(1);
    expect(Number(charges[0]?.amount_minor)).toBe(answer.body.order.totalMinor);
  });

  it("a declined card leaves stock where it was and the order payment_failed", async () => {
    const before = await stockOf(shop, sku);
    const cartId = await cartWith(shop, sku, 3);
    const answer = await checkout(shop, cartId, CARDS.declined);
    expect(answer.status).toBe(402);
    expect(answer.body.error).toBe("payment_declined");
    const orderId = answer.body.details.order.id;
    const order = await call("GET", `${shop.urls.api}/orders/${orderId}`);
    expect(order.body.status).toBe("payment_failed");
    expect(order.body.history.map((h: { status: string }) => h.status)).toEqual(["pending", "payment_failed"]);
    expect(await stockOf(shop, sku)).toBe(before);
  });

  it("the same checkout retried 20 times at once gives one order and one charge", async () => {
    const before = await stockOf(shop, sku);
    const cartId = await cartWith(shop, sku, 1);
    const key = `retry-${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => checkout(shop, cartId, CARDS.approved, key)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 200 || s === 201)).toBe(true);
    expect(new Set(answers.map((a) => a.body.order.id)).size).toBe(1);
    expect(await paymentsFor(answers[0]?.body.order)).toHaveLength(1);
    expect(await shop.sql("api", "SELECT id FROM orders WHERE cart_id = $1", [cartId])).toHaveLength(1);
    expect(await stockOf(shop, sku)).toBe(before - 1);
  });

  it("20 shoppers racing for the last unit: exactly one order, stock 0, the others told it is out of stock", async () => {
    await shop.sql("api", "UPDATE products SET stock = 1 WHERE sku = $1", [sku]);
    const carts = await Promise.all(Array.from({ length: 20 }, () => cartWith(shop, sku, 1)));
    const answers = await Promise.all(carts.map((cartId) => checkout(shop, cartId, CARDS.approved)));
    const paid = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 409);
    expect(paid).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const answer of refused) {
      expect(answer.body.error).toBe("out_of_stock");
      expect(answer.body.details.sku).toBe(sku);
    }
    expect(await stockOf(shop, sku)).toBe(0);
    expect(await paymentsFor(paid[0]?.body.order)).toEqual([expect.objectContaining({ status: "approved" })]);
  });
});
