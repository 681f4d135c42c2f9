import { createTestDatabase } from "@shop/embedded-db";
import { captureLogs, type ServiceApp } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildTestApp, newKey, paymentBody, postPayment } from "./support/payments-app.js";

describe("a provider that fails without an outcome", () => {
  const logs = captureLogs();
  let app: ServiceApp;

  beforeAll(async () => {
    app = await buildTestApp(await createTestDatabase(inject("postgresAdminUrl"), "payments_provider_down"), {
      logDestination: logs.stream,
      provider: {
        charge: async () => {
          throw new Error("gateway connection reset by 10.0.0.7");
        },
        resolveCharge: async () => {
          throw new Error("gateway lookup unreachable");
        },
      },
    });
  });
  afterAll(() => app.close());

  it("answers a terse 500, leaves the payment processing (outcome unknown) and logs why", async () => {
    const key = newKey();
    const response = await app.inject(postPayment(key, paymentBody()));
    expect(response.statusCode).toBe(500);
    expect(response.json().error).toBe("internal_error");
    expect(response.body).not.toContain("10.0.0.7");
    expect(logs.text()).toContain("gateway connection reset by 10.0.0.7");

    const stored = await app.inject({ url: "/payments", query: { idempotencyKey: key } });
    expect(stored.json().status).toBe("processing");
    const retry = await app.inject(postPayment(key, paymentBody()));
    expect(retry.statusCode).toBe(202);
    expect((await app.inject("/metrics")).body).toMatch(/^payments_total\{outcome="error",service="payments"\} 1$/m);
  });
});
