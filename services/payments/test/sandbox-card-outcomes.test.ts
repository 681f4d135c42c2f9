import { createTestDatabase } from "@shop/embedded-db";
import { passesLuhn } from "@shop/payment-card";
import type { ServiceApp } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SANDBOX_CARDS } from "../src/index.js";
import { cardBrand } from "../src/payments/card.js";
import { buildTestApp, newKey, paymentBody, postPayment } from "./support/payments-app.js";

describe("the sandbox provider behind POST /payments", () => {
  let app: ServiceApp;

  beforeAll(async () => {
    app = await buildTestApp(await createTestDatabase(inject("postgresAdminUrl"), "payments_outcomes"), {
      slowMs: 50,
    });
  });
  afterAll(() => app.close());

  it.each([
    ["approved", SANDBOX_CARDS.approved, "approved", null],
    ["declined", SANDBOX_CARDS.declined, "declined", "card_declined"],
    ["insufficient funds", SANDBOX_CARDS.insufficientFunds, "declined", "insufficient_funds"],
    ["slow", SANDBOX_CARDS.slow, "approved", null],
    ["any other valid", "5555555555554444", "approved", null],
  ])("answers 201 with the %s card's outcome", async (_name, number, status, declineCode) => {
    const response = await app.inject(postPayment(newKey(), paymentBody({ card: { number } })));
    expect(response.statusCode).toBe(201);
    const payment = response.json();
    expect(payment).toMatchObject({
      status,
      declineCode,
      amountMinor: 2500,
      refundedMinor: 0,
      currency: "EUR",
      reference: "ORD-000001",
      card: { last4: number.slice(-4), expMonth: 12 },
    });
    expect(payment.card.token).toMatch(/^tok_[0-9a-f]{24}$/);
    expect(response.body).not.toContain(number);
    const fetched = await app.inject(`/payments/${payment.id}`);
    expect(fetched.json()).toEqual(payment);
  });

  it("gives every payment its own random token", async () => {
    const [a, b] = await Promise.all([
      app.inject(postPayment(newKey(), paymentBody())),
      app.inject(postPayment(newKey(), paymentBody())),
    ]);
    expect(a.json().card.token).not.toBe(b.json().card.token);
  });

  it("tells the brand from the number prefix", () => {
    expect(cardBrand("4242424242424242")).toBe("visa");
    expect(cardBrand("5105105105105100")).toBe("mastercard");
    expect(cardBrand("2221000000000009")).toBe("mastercard");
    expect(cardBrand("2720990000000007")).toBe("mastercard");
    expect(cardBrand("2721000000000004")).toBe("unknown");
    expect(cardBrand("378282246310005")).toBe("amex");
    expect(cardBrand("343434343434343")).toBe("amex");
    expect(cardBrand("6011111111111117")).toBe("unknown");
  });

  it("checks the Luhn digit", () => {
    for (const number of Object.values(SANDBOX_CARDS)) expect(passesLuhn(number)).toBe(true);
    expect(passesLuhn("4242424242424241")).toBe(false);
    expect(passesLuhn("378282246310005")).toBe(true);
  });

  it("answers 404 for an unknown payment id and 400 for a malformed one", async () => {
    const missing = await app.inject("/payments/00000000-0000-4000-8000-000000000000");
    expect(missing.statusCode).toBe(404);
    const malformed = await app.inject("/payments/nope");
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().details[0].field).toBe("params.id");
  });
});
