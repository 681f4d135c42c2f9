import { createLogger, type ServiceApp } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/index.js";
import { type Shop, startShop } from "./support/shop.js";
import { cartWith, newKey, orderOf, postCheckout, productInStock, stockOf } from "./support/shopping.js";

describe("reconciliation passes in one process and across instances", () => {
  let shop: Shop;
  let secondInstance: ServiceApp;
  beforeAll(async () => {
    shop = await startShop();
    secondInstance = await buildApp(shop.checkoutConfig, {
      logger: createLogger({ service: "checkout", level: "silent" }),
    });
  });
  afterAll(async () => {
    await secondInstance.close();
    await shop.close();
  });

  it("settles each unanswered checkout exactly once however many passes run at the same time", async () => {
    const product = await productInStock(shop.api, 4);
    const carts = await Promise.all([1, 2, 3].map(() => cartWith(shop.api, product.sku, 1)));
    await shop.stop("payments");
    const pending = [];
    for (const cartId of carts) {
      const response = await postCheckout(shop.checkout, newKey(), cartId);
      expect(response.statusCode).toBe(202);
      pending.push(response.json().order.id as string);
    }
    await shop.start("payments");
    expect(await stockOf(shop.api, product.sku)).toBe(product.stock - 3);

    const afterGrace = { now: new Date(Date.now() + 60_000) };
    const [first, joined, other] = await Promise.all([
      shop.checkout.reconcile(afterGrace),
      shop.checkout.reconcile(afterGrace),
      secondInstance.reconcile(afterGrace),
    ]);
    expect(joined).toBe(first);
    expect(first.checked + other.checked).toBe(3);
    expect((first.outcomes.voided ?? 0) + (other.outcomes.voided ?? 0)).toBe(3);

    for (const orderId of pending) expect((await orderOf(shop.api, orderId)).status).toBe("payment_failed");
    expect(await stockOf(shop.api, product.sku)).toBe(product.stock);
    expect(await shop.countCharges()).toBe(0);
    expect((await shop.checkout.reconcile(afterGrace)).checked).toBe(0);
  });
});
