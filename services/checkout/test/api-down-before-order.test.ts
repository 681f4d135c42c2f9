import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Shop, startShop } from "./support/shop.js";
import { cartWith, newKey, postCheckout, productInStock, stockOf } from "./support/shopping.js";

describe("api unreachable before an order exists", () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop({ checkoutEnv: { DOWNSTREAM_TIMEOUT_MS: "1000" } });
  });
  afterAll(() => shop.close());

  it("answers 503 dependency_unavailable, charges nothing, and a retry with the key starts over safely", async () => {
    const product = await productInStock(shop.api, 2);
    const cartId = await cartWith(shop.api, product.sku, 1);
    const key = newKey();
    await shop.stop("api");

    const refused = await postCheckout(shop.checkout, key, cartId);
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ error: "dependency_unavailable" });
    const { checkoutId } = refused.json().details;
    // The reconciler looks for an order that api may have made after all, then gives up after the grace period.
    const soon = await shop.checkout.reconcile({ now: new Date(Date.now() + 5_000) });
    expect(soon.outcomes).toEqual({ unavailable: 1 });
    expect((await shop.checkout.reconcile({ now: new Date(Date.now() + 60_000) })).checked).toBe(0);
    expect(await shop.countCharges()).toBe(0);

    await shop.start("api");
    const retry = await postCheckout(shop.checkout, key, cartId);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toMatchObject({ checkoutId, status: "paid" });
    expect(await stockOf(shop.api, product.sku)).toBe(product.stock - 1);
    expect(await shop.countOrders()).toBe(1);
    expect(await shop.countCharges()).toBe(1);
  });
});
