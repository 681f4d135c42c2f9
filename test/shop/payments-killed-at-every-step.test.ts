import { randomUUID } from "node:crypto";
import { CRASH_POINTS, type CrashPoint } from "@shop/payments";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceProcess } from "../../scripts/lib/service-process.js";
import { CARDS, call, cartWith, checkout, startTestShop, stockOf, type TestShop } from "./support/shop.js";

// Short enough that every case finishes in seconds, long enough that a healthy charge is never taken for a lost one.
const SETTLE_AFTER_MS = 1500;
const PAYMENT_GRACE_MS = 3000;
// What must hold for each case; generous, because the machine may be busy: a miss is a hang, not a slow run.
const SETTLED_WITHIN_MS = 45_000;

interface CrashCase {
  readonly point: CrashPoint;
  /** What payments' and the provider's tables hold at the moment of the crash: proof it died at that step. */
  readonly leftBehind: { readonly payment: string | null; readonly providerCharge: string | null };
  readonly ends: "paid" | "payment_failed";
  readonly card: "approved" | "declined";
}

const CASES: readonly CrashCase[] = [
  {
    point: "before-row",
    leftBehind: { payment: null, providerCharge: null },
    ends: "payment_failed",
    card: "approved",
  },
  {
    point: "after-row",
    leftBehind: { payment: "processing", providerCharge: null },
    ends: "payment_failed",
    card: "approved",
  },
  {
    point: "after-provider",
    leftBehind: { payment: "processing", providerCharge: "approved" },
    ends: "paid",
    card: "approved",
  },
  {
    point: "after-update",
    leftBehind: { payment: "approved", providerCharge: "approved" },
    ends: "paid",
    card: "approved",
  },
  // The provider's answer is what gets recorded, whatever it was: a decline it gave before the crash stays a decline.
  {
    point: "after-provider",
    leftBehind: { payment: "processing", providerCharge: "declined" },
    ends: "payment_failed",
    card: "declined",
  },
];

describe("payments SIGKILLed at every step of a charge: each order ends paid or payment_failed", () => {
  let shop: TestShop;
  let skus: string[];

  beforeAll(async () => {
    shop = await startTestShop({
      payments: { PAYMENT_SETTLE_AFTER_MS: String(SETTLE_AFTER_MS), PAYMENT_SWEEP_INTERVAL_MS: "300" },
      checkout: { RECONCILE_INTERVAL_MS: "200", PAYMENT_GRACE_MS: String(PAYMENT_GRACE_MS) },
    });
    // One product per case, so one case's stock cannot move another's.
    const products = await call("GET", `${shop.urls.api}/products?limit=${CASES.length + 1}`);
    skus = products.body.items.map((product: { sku: string }) => product.sku);
  });
  afterAll(() => shop?.stop());

  const orderStatus = async (orderId: string) => (await call("GET", `${shop.urls.api}/orders/${orderId}`)).body.status;
  const paymentsOf = (reference: string) =>
    shop.sql<{ status: string }>("payments", "SELECT status FROM payments WHERE reference = $1", [reference]);
  const providerChargesOf = (reference: string) =>
    shop.sql<{ outcome: string }>(
      "payments",
      `SELECT outcome FROM sandbox_provider_charges
       WHERE reference = $1 OR payment_id IN (SELECT id FROM payments WHERE reference = $1)`,
      [reference],
    );

  /** Replaces the running payments with one that has `env` on top of the shop's. */
  async function replacePayments(env: Record<string, string>): Promise<ServiceProcess> {
    const healthy = shop.services.payments;
    await healthy.stop();
    const replacement = new ServiceProcess({ ...healthy.spec, env: { ...healthy.spec.env, ...env } });
    await replacement.start();
    return replacement;
  }

  /** Replaces the running payments with one that SIGKILLs itself at `point` of the next charge. */
  const startPaymentsDyingAt = (point: CrashPoint) => replacePayments({ PAYMENTS_FAULT: `crash-at:${point}` });

  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + SETTLED_WITHIN_MS;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`timed out after ${SETTLED_WITHIN_MS} ms waiting for ${what}`);
  }

  it("has a case for every step payments can be killed at", () => {
    expect(new Set(CASES.map((crash) => crash.point))).toEqual(new Set(CRASH_POINTS));
  });

  it.each(CASES.map((crash, index) => ({ ...crash, index })))(
    "killed $point with the $card card: the order ends $ends, charged at most once, stock consistent",
    { timeout: SETTLED_WITHIN_MS + 60_000 },
    async ({ point, leftBehind, ends, card, index }) => {
      const sku = skus[index] as string;
      const before = await stockOf(shop, sku);
      const dying = await startPaymentsDyingAt(point);
      const cartId = await cartWith(shop, sku, 1);

      const answer = await checkout(shop, cartId, CARDS[card], `crash-${point}-${randomUUID()}`);
      expect(answer.status).toBe(202);
      const { id: orderId, number: reference } = answer.body.order;
      await dying.kill(); // already dead by its own hand; this only waits for the exit
      await dying.closeLog();
      expect((await paymentsOf(reference)).map((row) => row.status)).toEqual(
        leftBehind.payment ? [leftBehind.payment] : [],
      );
      expect((await providerChargesOf(reference)).map((row) => row.outcome)).toEqual(
        leftBehind.providerCharge ? [leftBehind.providerCharge] : [],
      );
      expect(await orderStatus(orderId)).toBe("pending");
      expect(await stockOf(shop, sku)).toBe(before - 1);

      await shop.services.payments.start();
      // api's order and checkout's own record settle one after the other (checkout writes its record after api
      // confirmed), so wait for both: on a busy machine the second can come a moment after the first.
      const checkoutStatus = async () =>
        (await call("GET", `${shop.urls.checkout}/checkout/${answer.body.checkoutId}`)).body.status;
      await until(`order ${reference} (killed ${point}) to leave pending in api and checkout`, async () => {
        return (await orderStatus(orderId)) !== "pending" && (await checkoutStatus()) !== "pending";
      });
      expect(await orderStatus(orderId)).toBe(ends);
      expect(await checkoutStatus()).toBe(ends);

      const approvedCharges = (await providerChargesOf(reference)).filter((row) => row.outcome === "approved");
      expect(approvedCharges).toHaveLength(ends === "paid" ? 1 : 0);
      expect((await paymentsOf(reference)).length).toBeLessThanOrEqual(1);
      expect(await stockOf(shop, sku)).toBe(ends === "paid" ? before - 1 : before);
    },
  );

  it("killed after-row, with payments' sweep off: the shopper's retry settles it, payment_voided, stock back", {
    timeout: SETTLED_WITHIN_MS + 60_000,
  }, async () => {
    const sku = skus[CASES.length] as string;
    const before = await stockOf(shop, sku);
    const dying = await startPaymentsDyingAt("after-row");
    const cartId = await cartWith(shop, sku, 1);
    const key = `crash-retry-${randomUUID()}`;
    const first = await checkout(shop, cartId, CARDS.approved, key);
    expect(first.status).toBe(202);
    await dying.kill();
    await dying.closeLog();
    // Only a retry of the key can settle the payment now: the reconciler has no card and payments never sweeps.
    const withoutSweep = await replacePayments({ PAYMENT_SWEEP_INTERVAL_MS: "0" });
    try {
      let retry = first;
      await until("a retry of the key to get a final answer", async () => {
        retry = await checkout(shop, cartId, CARDS.approved, key);
        return retry.status !== 202;
      });
      expect(retry.status).toBe(402);
      expect(retry.body.details).toMatchObject({ checkoutId: first.body.checkoutId, declineCode: "payment_voided" });
      expect(await orderStatus(first.body.order.id)).toBe("payment_failed");
      expect(await providerChargesOf(first.body.order.number)).toEqual([{ outcome: "closed" }]);
      expect(await stockOf(shop, sku)).toBe(before);
    } finally {
      await withoutSweep.stop();
      await withoutSweep.closeLog();
      await shop.services.payments.start();
    }
  });
});
