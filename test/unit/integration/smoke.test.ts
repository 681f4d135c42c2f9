import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatSmokeReport, runSmoke } from "../../integration/smoke.js";
import { startTestShop, type TestShop } from "../../shop/support/shop.js";

// The script `integration()` runs in a container, run here against the four services as real processes.
describe("the integration smoke flow against the real shop", () => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startTestShop();
  }, 120_000);
  afterAll(() => shop?.stop());

  it("passes every check: products listed, paid with the approved card, same order for a repeated key, 402 for a decline", async () => {
    const checks = await runSmoke({ urls: shop.urls });
    expect(
      checks.map((c) => [c.name, c.ok]),
      formatSmokeReport(checks),
    ).toEqual([
      ["services are ready", true],
      ["storefront lists products", true],
      ["api lists products", true],
      ["cart filled through api", true],
      ["approved card: 201 paid", true],
      ["same idempotency key: same order", true],
      ["declined card: 402 payment_declined", true],
    ]);
    const paidOrders = await shop.sql("api", "SELECT count(*)::int AS n FROM orders WHERE status = 'paid'");
    expect(paidOrders[0]?.n).toBe(1);
    expect(formatSmokeReport(checks)).toMatch(/smoke: 7 checks passed$/);
  });

  it("fails at the payment step and names what it got when checkout is not where it should be", async () => {
    const checks = await runSmoke({ urls: { ...shop.urls, checkout: shop.urls.payments } });
    const failed = checks.find((c) => !c.ok);
    expect(failed?.name).toBe("approved card: 201 paid");
    expect(failed?.detail).toMatch(/POST checkout \/checkout \(approved card\): expected HTTP 201, got 404/);
    expect(checks.slice(-2).map((c) => c.detail)).toEqual([
      "not run: an earlier check failed",
      "not run: an earlier check failed",
    ]);
    expect(formatSmokeReport(checks)).toMatch(/smoke: FAILED \(4 of 7 checks passed\)$/);
  });

  it("gives up waiting for readiness with the service that never answered", async () => {
    const checks = await runSmoke({ urls: { ...shop.urls, api: "http://127.0.0.1:9" }, readyTimeoutMs: 1_000 });
    expect(checks[0]?.ok).toBe(false);
    expect(checks[0]?.detail).toMatch(/not ready after 1000 ms: api http:\/\/127\.0\.0\.1:9\/readyz/);
  });
});
