import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Shop, startShop } from "./support/shop.js";
import { cartWith, newKey, postCheckout, productInStock, stockOf } from "./support/shopping.js";

describe("many requests with one Idempotency-Key", () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop();
  });
  afterAll(() => shop.close());

  it("20 concurrent requests make one order and one charge, and all answers agree", async () => {
    const product = await productInStock(shop.api, 2);
    const cartId = await cartWith(shop.api, product.sku, 1);
    const key = newKey();

    const responses = await Promise.all(Array.from({ length: 20 }, () => postCheckout(shop.checkout, key, cartId)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    const bodies = responses.map((r) => r.json());
    for (const body of bodies) expect(body).toEqual(bodies[0]);
    expect(await shop.countOrders()).toBe(1);
    expect(await shop.countCharges()).toBe(1);
    expect(await stockOf(shop.api, product.sku)).toBe(product.stock - 1);
    const listed = await shop.api.inject({ method: "GET", url: `/orders?checkoutId=${bodies[0].checkoutId}` });
    expect(listed.json().items).toHaveLength(1);
  });

  it("refuses the key with another body (409 idempotency_key_reused), also with another card", async () => {
    const product = await productInStock(shop.api, 2);
    const cartId = await cartWith(shop.api, product.sku, 1);
    const otherCart = await cartWith(shop.api, product.sku, 1);
    const key = newKey();
    expect((await postCheckout(shop.checkout, key, cartId)).statusCode).toBe(201);
    const chargesBefore = await shop.countCharges();

    for (const reused of [
      await postCheckout(shop.checkout, key, otherCart),
      await postCheckout(shop.checkout, key, cartId, "5555555555554444"),
    ]) {
      expect(reused.statusCode).toBe(409);
      expect(reused.json()).toMatchObject({ error: "idempotency_key_reused" });
    }
    expect(await shop.countCharges()).toBe(chargesBefore);
  });
});
