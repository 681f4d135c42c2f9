import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Shop, startShop } from "./support/shop.js";
import { cartWith, newKey, orderOf, paymentOf, postCheckout, productInStock, stockOf } from "./support/shopping.js";

describe("payments down, then a retry", () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop();
  });
  afterAll(() => shop.close());

  it("answers 202 with the order kept pending, and the retry after payments is back charges once", async () => {
    const product = await productInStock(shop.api, 2);
    const cartId = await cartWith(shop.api, product.sku, 1);
    const key = newKey();
    await shop.stop("payments");

    const response = await postCheckout(shop.checkout, key, cartId);
    expect(response.statusCode).toBe(202);
    const { checkoutId, order } = response.json();
    expect(await orderOf(shop.api, order.id)).toMatchObject({ status: "pending" });
    expect(await stockOf(shop.api, product.sku)).toBe(product.stock - 1);
    const view = await shop.checkout.inject({ method: "GET", url: `/checkout/${checkoutId}` });
    expect(view.json()).toMatchObject({ status: "pending", order: { id: order.id } });
    const ready = await shop.checkout.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.payments).toContain("unreachable");

    await shop.start("payments");
    expect(await paymentOf(shop.payments, checkoutId)).toBeNull();
    const retry = await postCheckout(shop.checkout, key, cartId);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toMatchObject({ checkoutId, status: "paid", order: { id: order.id, status: "paid" } });
    expect(await shop.countCharges()).toBe(1);
    expect(await shop.countOrders()).toBe(1);
  });
});

describe("payments down, and the shopper never comes back", () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop({
      checkoutEnv: { RECONCILE_INTERVAL_MS: "100", PAYMENT_GRACE_MS: "800", PAYMENT_TIMEOUT_MS: "300" },
    });
  });
  afterAll(() => shop.close());

  it("lets the timer void the payment key after the grace period, fail the order and release the stock", async () => {
    const product = await productInStock(shop.api, 2);
    const cartId = await cartWith(shop.api, product.sku, 2);
    const key = newKey();
    await shop.stop("payments");
    const response = await postCheckout(shop.checkout, key, cartId);
    expect(response.statusCode).toBe(202);
    const { checkoutId, order } = response.json();
    await shop.start("payments");

    let status = "pending";
    for (let i = 0; i < 50 && status === "pending"; i++) {
      await sleep(100);
      status = (await shop.checkout.inject({ method: "GET", url: `/checkout/${checkoutId}` })).json().status;
    }
    expect(status).toBe("payment_failed");
    expect(await orderOf(shop.api, order.id)).toMatchObject({ status: "payment_failed" });
    expect(await stockOf(shop.api, product.sku)).toBe(product.stock);
    expect(await shop.countCharges()).toBe(0);

    // The key is voided at payments: even a retry carrying the card cannot charge it any more.
    const retry = await postCheckout(shop.checkout, key, cartId);
    expect(retry.statusCode).toBe(402);
    expect(retry.json().details).toMatchObject({ checkoutId, declineCode: "payment_voided" });
    const voided = await shop.payments.inject({
      method: "POST",
      url: "/payments/void",
      headers: { "idempotency-key": `checkout-${checkoutId}` },
    });
    expect(voided.json()).toEqual({ status: "voided" });
    expect(await shop.countCharges()).toBe(0);
  });
});
