import { createTestDatabase } from "@shop/embedded-db";
import type { ServiceApp } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildTestApp, countingSandbox, newKey, paymentBody, postPayment } from "./support/payments-app.js";

describe("POST /payments/void", () => {
  const provider = countingSandbox();
  let app: ServiceApp;

  beforeAll(async () => {
    app = await buildTestApp(await createTestDatabase(inject("postgresAdminUrl"), "payments_void"), { provider });
  });
  afterAll(() => app.close());

  const voidKey = (key?: string) =>
    app.inject({ method: "POST", url: "/payments/void", headers: key === undefined ? {} : { "idempotency-key": key } });

  it("voids an unused key so no payment may use it afterwards, and says so again on a repeat", async () => {
    const key = newKey("void");
    const voided = await voidKey(key);
    expect(voided.statusCode).toBe(200);
    expect(voided.json()).toEqual({ status: "voided" });

    const before = provider.calls();
    const refused = await app.inject(postPayment(key, paymentBody()));
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toBe("idempotency_key_voided");
    expect(provider.calls()).toBe(before);

    expect((await voidKey(key)).json()).toEqual({ status: "voided" });
    const lookup = await app.inject({ url: "/payments", query: { idempotencyKey: key } });
    expect(lookup.statusCode).toBe(404);
  });

  it("refuses to void a key that a payment already used: 409 payment_exists with the payment", async () => {
    const key = newKey("paid");
    const payment = (await app.inject(postPayment(key, paymentBody()))).json();
    const refused = await voidKey(key);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: "payment_exists", details: payment });
    const again = await app.inject(postPayment(key, paymentBody()));
    expect(again.statusCode).toBe(200);
  });

  it("lets exactly one of a racing void and payment win", async () => {
    for (let round = 0; round < 5; round++) {
      const key = newKey("race");
      const [voided, paid] = await Promise.all([voidKey(key), app.inject(postPayment(key, paymentBody()))]);
      const voidWon = voided.statusCode === 200;
      expect(voidWon ? paid.statusCode : voided.statusCode).toBe(409);
      if (!voidWon) expect(paid.statusCode).toBe(201);
    }
  });

  it("names headers.idempotency-key when it is missing", async () => {
    const response = await voidKey();
    expect(response.statusCode).toBe(400);
    expect(response.json().details[0].field).toBe("headers.idempotency-key");
  });
});
