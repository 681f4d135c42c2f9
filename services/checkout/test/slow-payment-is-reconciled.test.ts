import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Shop, startShop } from "./support/shop.js";
import {
  cartWith,
  newKey,
  orderOf,
  paymentOf,
  postCheckout,
  productInStock,
  SLOW_CARD,
  stockOf,
} from "./support/shopping.js";

// The slow card must stay unanswered while each test does its part (five drives of one key, a reconcile pass, a
// cancellation): 1.2 s was not enough in tier 3, where four services' suites share two cores and the fifth drive
// found the payment approved. 4 s leaves a wide margin on a busy machine.
const SLOW_MS = 4000;
const PAYMENT_TIMEOUT_MS = 300;

describe("a payment provider slower than checkout's deadline", () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop({ sandboxSlowMs: SLOW_MS, checkoutEnv: { PAYMENT_TIMEOUT_MS: String(PAYMENT_TIMEOUT_MS) } });
  });
  afterAll(() => shop.close());

  /** Waits until payments has settled the checkout's payment. */
  async function settledPayment(checkoutId: string) {
    for (let i = 0; i < (SLOW_MS + 6000) / 100; i++) {
      const payment = await paymentOf(shop.payments, checkoutId);
      if (payment && payment.status !== "processing") return payment;
      await sleep(100);
    }
    throw new Error(`payment of checkout ${checkoutId} never settled`);
  }

  it("answers 202 pending, and one reconcile pass later the order is paid with exactly one charge", async () => {
    const product = await productInStock(shop.api, 2);
    const cartId = await cartWith(shop.api, product.sku, 1);
    const response = await postCheckout(shop.checkout, newKey(), cartId, SLOW_CARD);
    expect(response.statusCode).toBe(202);
    const { checkoutId, status, order } = response.json();
    expect(status).toBe("pending");
    expect(order.status).toBe("pending");
    expect(await stockOf(shop.api, product.sku)).toBe(product.stock - 1);

    // Before payments has an answer, a pass leaves the checkout pending.
    const early = await shop.checkout.reconcile({ now: new Date(Date.now() + PAYMENT_TIMEOUT_MS) });
    expect(early.outcomes).toEqual({ pending: 1 });
    expect((await orderOf(shop.api, order.id)).status).toBe("pending");

    const payment = await settledPayment(checkoutId);
    expect(payment.status).toBe("approved");
    const pass = await shop.checkout.reconcile({ now: new Date(Date.now() + PAYMENT_TIMEOUT_MS) });
    expect(pass.outcomes).toEqual({ paid: 1 });
    expect(await orderOf(shop.api, order.id)).toMatchObject({ status: "paid", paymentId: payment.id });
    expect(await shop.countCharges()).toBe(1);
    const view = await shop.checkout.inject({ method: "GET", url: `/checkout/${checkoutId}` });
    expect(view.json()).toMatchObject({ status: "paid", order: { status: "paid" } });
    expect((await shop.checkout.reconcile()).checked).toBe(0);
    const metrics = (await shop.checkout.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/checkout_reconciliations_total\{[^}]*outcome="paid"[^}]*\} 1/);
  });

  it("gives every concurrent request with the key the same 202 while the payment is slow", async () => {
    const product = await productInStock(shop.api, 2);
    const cartId = await cartWith(shop.api, product.sku, 1);
    const key = newKey();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => postCheckout(shop.checkout, key, cartId, SLOW_CARD)),
    );
    expect(responses.map((r) => r.statusCode)).toEqual([202, 202, 202, 202, 202]);
    const bodies = responses.map((r) => r.json());
    for (const body of bodies) expect(body).toEqual(bodies[0]);
    const { checkoutId } = bodies[0];
    expect((await settledPayment(checkoutId)).status).toBe("approved");
    // The shopper retries once the provider has answered: reconciled inline, no second charge.
    const retry = await postCheckout(shop.checkout, key, cartId, SLOW_CARD);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toMatchObject({ checkoutId, status: "paid" });
  });

  it("refunds an approved payment whose order was cancelled meanwhile (compensation)", async () => {
    const product = await productInStock(shop.api, 2);
    const cartId = await cartWith(shop.api, product.sku, 1);
    const key = newKey();
    const response = await postCheckout(shop.checkout, key, cartId, SLOW_CARD);
    expect(response.statusCode).toBe(202);
    const { checkoutId, order } = response.json();
    const cancelled = await shop.api.inject({
      method: "POST",
      url: `/orders/${order.id}/transitions`,
      payload: { to: "cancelled", reason: "shopper gave up" },
    });
    expect(cancelled.statusCode).toBe(200);
    expect((await settledPayment(checkoutId)).status).toBe("approved");

    const pass = await shop.checkout.reconcile({ now: new Date(Date.now() + PAYMENT_TIMEOUT_MS) });
    expect(pass.outcomes).toEqual({ refunded: 1 });
    const payment = await paymentOf(shop.payments, checkoutId);
    expect(payment).toMatchObject({ status: "refunded", refundedMinor: order.totalMinor });
    expect(await orderOf(shop.api, order.id)).toMatchObject({ status: "cancelled", paymentId: null });
    const retry = await postCheckout(shop.checkout, key, cartId, SLOW_CARD);
    expect(retry.statusCode).toBe(409);
    expect(retry.json()).toMatchObject({ error: "payment_refunded", details: { checkoutId, paymentId: payment.id } });
    const view = await shop.checkout.inject({ method: "GET", url: `/checkout/${checkoutId}` });
    expect(view.json().status).toBe("refunded");
  });
});
