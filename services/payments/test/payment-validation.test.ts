import { createTestDatabase } from "@shop/embedded-db";
import type { ServiceApp } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildTestApp, newKey, paymentBody, postPayment } from "./support/payments-app.js";

const thisYear = new Date().getUTCFullYear();
const thisMonth = new Date().getUTCMonth() + 1;

describe("POST /payments refuses bad input with a 400 that names the field", () => {
  let app: ServiceApp;

  beforeAll(async () => {
    app = await buildTestApp(await createTestDatabase(inject("postgresAdminUrl"), "payments_validation"));
  });
  afterAll(() => app.close());

  async function expectFieldError(payload: unknown, field: string, headers = { key: newKey() as string | undefined }) {
    const response = await app.inject(postPayment(headers.key, payload));
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error).toBe("validation_failed");
    expect(body.details.map((d: { field: string }) => d.field)).toContain(field);
    return body;
  }

  it("names body.card.number for a failed Luhn check, without echoing the number", async () => {
    const body = await expectFieldError(paymentBody({ card: { number: "4242424242424241" } }), "body.card.number");
    expect(JSON.stringify(body)).not.toContain("4242424242424241");
  });

  it.each([
    ["letters", "4242abcd42424242"],
    ["spaces", "4242 4242 4242 4242"],
    ["too short", "42424242424"],
    ["too long", "42424242424242424242"],
    ["a number instead of a string", 4242424242424242],
  ])("names body.card.number for %s", async (_case, number) => {
    await expectFieldError(paymentBody({ card: { number } }), "body.card.number");
  });

  it("names body.card.expYear for a card that expired in an earlier year", async () => {
    await expectFieldError(paymentBody({ card: { expYear: thisYear - 1, expMonth: 12 } }), "body.card.expYear");
  });

  it("names body.card.expMonth for a card that expired earlier this year, and accepts the current month", async () => {
    if (thisMonth > 1) {
      await expectFieldError(
        paymentBody({ card: { expYear: thisYear, expMonth: thisMonth - 1 } }),
        "body.card.expMonth",
      );
    }
    const current = await app.inject(
      postPayment(newKey(), paymentBody({ card: { expYear: thisYear, expMonth: thisMonth } })),
    );
    expect(current.statusCode).toBe(201);
  });

  it.each([0, 13, 1.5])("names body.card.expMonth for month %s", async (expMonth) => {
    await expectFieldError(paymentBody({ card: { expMonth } }), "body.card.expMonth");
  });

  it.each([99, 20301])("names body.card.expYear for the year %s (not four digits)", async (expYear) => {
    await expectFieldError(paymentBody({ card: { expYear } }), "body.card.expYear");
  });

  it.each([0, -5, 1.5, 1e20, 100_000_001, "2500", null])("names body.amountMinor for %s", async (amountMinor) => {
    await expectFieldError(paymentBody({ amountMinor }), "body.amountMinor");
  });

  it.each(["XYZ", "XTS", "eur", "EU", ""])(
    "names body.currency for %j, which is no active ISO 4217 code",
    async (currency) => {
      await expectFieldError(paymentBody({ currency }), "body.currency");
    },
  );

  it.each(["ORD-1\u0000", "\ud800", "tail \udfff"])(
    "names body.reference for %j, which PostgreSQL cannot store",
    async (reference) => {
      await expectFieldError(paymentBody({ reference }), "body.reference");
    },
  );

  it("names body.amountMinor for a number too large for JSON to hold exactly", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/payments",
      headers: { "idempotency-key": newKey(), "content-type": "application/json" },
      payload: JSON.stringify(paymentBody()).replace('"amountMinor":2500', '"amountMinor":1e400'),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().details[0].field).toBe("body.amountMinor");
  });

  it("accepts the largest allowed amount", async () => {
    const response = await app.inject(postPayment(newKey(), paymentBody({ amountMinor: 100_000_000 })));
    expect(response.statusCode).toBe(201);
  });

  it.each(["eur", "EURO", "E1R", ""])("names body.currency for %j", async (currency) => {
    await expectFieldError(paymentBody({ currency }), "body.currency");
  });

  it.each(["12", "12345", 123])("names body.card.cvc for %j", async (cvc) => {
    await expectFieldError(paymentBody({ card: { cvc } }), "body.card.cvc");
  });

  it("names unknown fields at the top level and inside the card", async () => {
    await expectFieldError({ ...paymentBody(), tip: 100 }, "body.tip");
    await expectFieldError(paymentBody({ card: { holder: "A. Buyer" } }), "body.card.holder");
  });

  it("names missing fields", async () => {
    const { reference: _reference, ...withoutReference } = paymentBody();
    await expectFieldError(withoutReference, "body.reference");
  });

  it("names headers.idempotency-key when the key is missing or malformed", async () => {
    await expectFieldError(paymentBody(), "headers.idempotency-key", { key: undefined });
    await expectFieldError(paymentBody(), "headers.idempotency-key", { key: "short" });
    await expectFieldError(paymentBody(), "headers.idempotency-key", { key: "has spaces in it" });
  });

  it("answers 400, never 5xx, for bodies that are not payment objects", async () => {
    for (const payload of ["[]", "null", '"text"', "42", "{nope"]) {
      const response = await app.inject({
        method: "POST",
        url: "/payments",
        headers: { "idempotency-key": newKey(), "content-type": "application/json" },
        payload,
      });
      expect(response.statusCode, payload).toBe(400);
    }
  });
});
