import { createTestDatabase } from "@shop/embedded-db";
import { createPool, type Pool, type ServiceApp } from "@shop/service-kit";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildTestApp, countingSandbox, newKey, paymentBody, postPayment } from "./support/payments-app.js";

describe("POST /payments with an Idempotency-Key", () => {
  const provider = countingSandbox();
  let app: ServiceApp;
  let pool: Pool;

  beforeAll(async () => {
    const url = await createTestDatabase(inject("postgresAdminUrl"), "payments_idempotency");
    app = await buildTestApp(url, { provider });
    pool = createPool(url, pino({ level: "silent" }));
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  async function rowsWithKey(key: string): Promise<number> {
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM payments WHERE idempotency_key = $1", [key]);
    return rows[0].n;
  }

  it("answers a repeat of the same key and body with the same payment and 200, charging once", async () => {
    const key = newKey();
    const before = provider.calls();
    const first = await app.inject(postPayment(key, paymentBody()));
    expect(first.statusCode).toBe(201);
    // The same body with its keys in another order is the same request.
    const { card, ...rest } = paymentBody();
    const reordered = {
      card: { cvc: card.cvc, expYear: card.expYear, expMonth: card.expMonth, number: card.number },
      ...rest,
    };
    const second = await app.inject(postPayment(key, reordered));
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(provider.calls() - before).toBe(1);
    expect(await rowsWithKey(key)).toBe(1);
  });

  it("replays a declined payment as declined", async () => {
    const key = newKey();
    const body = paymentBody({ card: { number: "4000000000000002" } });
    const first = await app.inject(postPayment(key, body));
    const second = await app.inject(postPayment(key, body));
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ id: first.json().id, status: "declined", declineCode: "card_declined" });
  });

  it.each([
    ["amount", { amountMinor: 2600 }],
    ["card", { card: { number: "5555555555554444" } }],
    ["cvc", { card: { cvc: "123" } }],
    ["reference", { reference: "ORD-000002" }],
  ])("refuses the same key with another %s: 409 idempotency_key_reused", async (_what, change) => {
    const key = newKey();
    expect((await app.inject(postPayment(key, paymentBody()))).statusCode).toBe(201);
    const calls = provider.calls();
    const reused = await app.inject(postPayment(key, paymentBody(change)));
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error).toBe("idempotency_key_reused");
    expect(provider.calls()).toBe(calls);
    expect(await rowsWithKey(key)).toBe(1);
  });

  it("lets 20 concurrent identical requests make exactly one provider call and one payment", async () => {
    const key = newKey("concurrent");
    const before = provider.calls();
    const responses = await Promise.all(Array.from({ length: 20 }, () => app.inject(postPayment(key, paymentBody()))));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.every((s) => s === 200 || s === 201 || s === 202)).toBe(true);
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    expect(provider.calls() - before).toBe(1);
    expect(await rowsWithKey(key)).toBe(1);
  });

  it("finds a payment by its idempotency key, and answers 404 for an unused key", async () => {
    const key = newKey();
    const created = await app.inject(postPayment(key, paymentBody()));
    const found = await app.inject({ url: "/payments", query: { idempotencyKey: key } });
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual(created.json());
    const missing = await app.inject({ url: "/payments", query: { idempotencyKey: newKey() } });
    expect(missing.statusCode).toBe(404);
    const noKey = await app.inject("/payments");
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().details[0].field).toBe("querystring.idempotencyKey");
  });
});
