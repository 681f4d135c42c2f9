import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVICE_NAMES } from "../../scripts/lib/platform.js";
import { CARDS, call, card, cartWith, checkout, startTestShop, type TestShop } from "./support/shop.js";

describe("operating the shop: health, readiness, metrics, OpenAPI, shutdown and logs", () => {
  let shop: TestShop;

  beforeAll(async () => {
    shop = await startTestShop({ payments: { SANDBOX_SLOW_MS: "1200" } });
  });
  afterAll(() => shop?.stop());

  it.each(SERVICE_NAMES)("%s answers /healthz, /readyz and /openapi.json", async (service) => {
    expect((await call("GET", `${shop.urls[service]}/healthz`)).body).toEqual({ status: "ok" });
    const ready = await call("GET", `${shop.urls[service]}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe("ready");
    const openapi = await call("GET", `${shop.urls[service]}/openapi.json`);
    expect(Object.keys(openapi.body.paths).length).toBeGreaterThan(1);
  });

  it("metrics show request durations by route and the business counters after a purchase and a decline", async () => {
    const sku = (await call("GET", `${shop.urls.api}/products?limit=1`)).body.items[0].sku;
    expect((await checkout(shop, await cartWith(shop, sku), CARDS.approved)).status).toBe(201);
    expect((await checkout(shop, await cartWith(shop, sku), CARDS.declined)).status).toBe(402);
    const text = async (service: keyof TestShop["urls"]) => (await fetch(`${shop.urls[service]}/metrics`)).text();
    const [api, payments, checkoutMetrics] = await Promise.all([text("api"), text("payments"), text("checkout")]);
    expect(api).toMatch(/shop_orders_total\{[^}]*status="paid"[^}]*\} 1/);
    expect(api).toMatch(/shop_orders_total\{[^}]*status="payment_failed"[^}]*\} 1/);
    expect(payments).toMatch(/payments_total\{[^}]*outcome="approved"[^}]*\} 1/);
    expect(payments).toMatch(/payments_total\{[^}]*outcome="declined"[^}]*\} 1/);
    expect(checkoutMetrics).toMatch(/checkouts_total\{[^}]*result="paid"[^}]*\} 1/);
    expect(checkoutMetrics).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/checkout"[^}]*method="POST"[^}]*\}/,
    );
  });

  it("readiness turns 503 when a dependency is gone and back to 200 when it returns", async () => {
    await shop.services.payments.kill();
    const down = await call("GET", `${shop.urls.checkout}/readyz`);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe("not_ready");
    await shop.services.payments.start();
    expect((await call("GET", `${shop.urls.checkout}/readyz`)).status).toBe(200);
  });

  it("SIGTERM lets an in-flight request finish before the process exits 0", async () => {
    const inFlight = call("POST", `${shop.urls.payments}/payments`, {
      headers: { "idempotency-key": "graceful-shutdown-1" },
      body: { amountMinor: 1234, currency: "EUR", reference: "graceful", card: card(CARDS.slow) },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exitCode = await shop.services.payments.stop();
    const answer = await inFlight;
    expect(answer.status).toBe(201);
    expect(answer.body.status).toBe("approved");
    expect(exitCode).toBe(0);
    await shop.services.payments.start();
  });

  it("no card number or CVC ever reaches a log line", async () => {
    const logs = await shop.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of Object.values(CARDS)) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/"cvc":"\d{3}"/);
  });
});
