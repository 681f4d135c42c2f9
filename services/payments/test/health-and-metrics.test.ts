import { createTestDatabase } from "@shop/embedded-db";
import type { ServiceApp } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SANDBOX_CARDS } from "../src/index.js";
import { buildTestApp, newKey, paymentBody, postPayment } from "./support/payments-app.js";

describe("payments health and metrics", () => {
  let app: ServiceApp;

  beforeAll(async () => {
    app = await buildTestApp(await createTestDatabase(inject("postgresAdminUrl"), "payments_metrics"));
  });
  afterAll(() => app.close());

  it("answers /healthz and reports the database on /readyz", async () => {
    expect((await app.inject("/healthz")).json()).toEqual({ status: "ok" });
    const ready = await app.inject("/readyz");
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready", checks: { database: "ok" } });
  });

  it("counts payments by outcome and refunds, not counting replays", async () => {
    const approvedKey = newKey();
    const approved = await app.inject(postPayment(approvedKey, paymentBody()));
    await app.inject(postPayment(approvedKey, paymentBody()));
    await app.inject(postPayment(newKey(), paymentBody()));
    await app.inject(postPayment(newKey(), paymentBody({ card: { number: SANDBOX_CARDS.declined } })));
    const refundKey = newKey();
    for (let i = 0; i < 2; i++) {
      await app.inject({
        method: "POST",
        url: `/payments/${approved.json().id}/refunds`,
        headers: { "idempotency-key": refundKey },
      });
    }
    const metrics = (await app.inject("/metrics")).body;
    expect(metrics).toMatch(/^payments_total\{outcome="approved",service="payments"\} 2$/m);
    expect(metrics).toMatch(/^payments_total\{outcome="declined",service="payments"\} 1$/m);
    expect(metrics).toMatch(/^payment_refunds_total\{service="payments"\} 1$/m);
  });

  it("publishes an OpenAPI document for every payments route", async () => {
    const response = await app.inject("/openapi.json");
    expect(response.statusCode).toBe(200);
    const paths = response.json().paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(["/payments", "/payments/{id}", "/payments/void", "/payments/{id}/refunds"]),
    );
    expect(JSON.stringify(paths["/payments"].post)).toContain("idempotency-key");
  });
});
