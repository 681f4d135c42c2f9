import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CARDS, call, cartWith, checkout, startTestShop, stockOf, type TestShop } from "./support/shop.js";

const PAYMENT_TIMEOUT_MS = 500;

describe("checkout when payments is down or too slow: no lost order, no double charge", { timeout: 60_000 }, () => {
  let shop: TestShop;
  // One product per test, so a checkout another test left pending cannot move this test's stock.
  let skus: string[];

  beforeAll(async () => {
    shop = await startTestShop({
      payments: { SANDBOX_SLOW_MS: "1500" },
      checkout: {
        PAYMENT_TIMEOUT_MS: String(PAYMENT_TIMEOUT_MS),
        RECONCILE_INTERVAL_MS: "200",
        PAYMENT_GRACE_MS: "8000",
      },
    });
    skus = (await call("GET", `${shop.urls.api}/products?limit=3`)).body.items.map((p: { sku: string }) => p.sku);
  });
  afterAll(() => shop?.stop());

  const orderOf = async (orderId: string) => (await call("GET", `${shop.urls.api}/orders/${orderId}`)).body;
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  it("a provider slower than checkout's deadline leaves the order pending, and reconciliation makes it paid", async () => {
    const sku = skus[0] as string;
    const cartId = await cartWith(shop, sku, 1);
    const answer = await checkout(shop, cartId, CARDS.slow);
    expect(answer.status).toBe(202);
    expect(answer.body.status).toBe("pending");
    const { id: orderId, number } = answer.body.order;
    expect((await orderOf(orderId)).status).toBe("pending");
    await until("the reconciler to mark the order paid", async () => (await orderOf(orderId)).status === "paid");
    const charges = await shop.sql("payments", "SELECT status FROM payments WHERE reference = $1", [number]);
    expect(charges).toEqual([{ status: "approved" }]);
  });

  it("payments killed mid-flight: the order is kept pending, and the retry after payments is back charges once", async () => {
    const sku = skus[1] as string;
    const before = await stockOf(shop, sku);
    await shop.services.payments.kill();
    const cartId = await cartWith(shop, sku, 1);
    const key = `down-${randomUUID()}`;
    const first = await checkout(shop, cartId, CARDS.approved, key);
    expect(first.status).toBe(202);
    const { id: orderId, number } = first.body.order;
    expect((await orderOf(orderId)).status).toBe("pending");
    expect(await stockOf(shop, sku)).toBe(before - 1);

    await shop.services.payments.start();
    const retry = await checkout(shop, cartId, CARDS.approved, key);
    expect([200, 201]).toContain(retry.status);
    expect(retry.body.status).toBe("paid");
    expect(retry.body.order.id).toBe(orderId);
    expect(await shop.sql("payments", "SELECT id FROM payments WHERE reference = $1", [number])).toHaveLength(1);
    expect(await stockOf(shop, sku)).toBe(before - 1);
  });

  it("a payment that never reached payments is voided after the grace period: order payment_failed, stock back", async () => {
    const sku = skus[2] as string;
    const before = await stockOf(shop, sku);
    await shop.services.payments.kill();
    const cartId = await cartWith(shop, sku, 2);
    const answer = await checkout(shop, cartId, CARDS.approved);
    expect(answer.status).toBe(202);
    await shop.services.payments.start();
    const { id: orderId, number } = answer.body.order;
    await until(
      "the reconciler to fail the unpaid order",
      async () => (await orderOf(orderId)).status === "payment_failed",
      25_000,
    );
    expect(await stockOf(shop, sku)).toBe(before);
    expect(
      await shop.sql("payments", "SELECT id FROM payments WHERE reference = $1 AND status = 'approved'", [number]),
    ).toHaveLength(0);
  });
});
