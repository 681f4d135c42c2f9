import { createTestDatabase } from "@shop/embedded-db";
import { createPool, type Pool, type ServiceApp } from "@shop/service-kit";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SANDBOX_CARDS } from "../src/index.js";
import { buildTestApp, newKey, paymentBody, postPayment } from "./support/payments-app.js";

describe("POST /payments/:id/refunds", () => {
  let app: ServiceApp;
  let pool: Pool;

  beforeAll(async () => {
    const url = await createTestDatabase(inject("postgresAdminUrl"), "payments_refunds");
    app = await buildTestApp(url);
    pool = createPool(url, pino({ level: "silent" }));
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  async function pay(amountMinor = 10_000, number: string = SANDBOX_CARDS.approved) {
    const response = await app.inject(postPayment(newKey("pay"), paymentBody({ amountMinor, card: { number } })));
    return response.json() as { id: string; status: string };
  }

  const refund = (paymentId: string, key: string, amountMinor?: number) =>
    app.inject({
      method: "POST",
      url: `/payments/${paymentId}/refunds`,
      headers: { "idempotency-key": key },
      ...(amountMinor === undefined ? {} : { payload: { amountMinor } }),
    });

  async function refundRows(paymentId: string): Promise<number> {
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM refunds WHERE payment_id = $1", [paymentId]);
    return rows[0].n;
  }

  it("refunds the whole amount when none is given", async () => {
    const payment = await pay(10_000);
    const response = await refund(payment.id, newKey("full"));
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ id: payment.id, status: "refunded", refundedMinor: 10_000 });
  });

  it("refunds in parts until the whole amount is back, then refuses more", async () => {
    const payment = await pay(10_000);
    const first = await refund(payment.id, newKey("part"), 3_000);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ status: "partially_refunded", refundedMinor: 3_000 });
    const rest = await refund(payment.id, newKey("rest"));
    expect(rest.json()).toMatchObject({ status: "refunded", refundedMinor: 10_000 });
    const more = await refund(payment.id, newKey("more"), 1);
    expect(more.statusCode).toBe(409);
    expect(more.json().error).toBe("refund_exceeds_payment");
  });

  it("refuses a refund larger than what is left: 409 refund_exceeds_payment, nothing changed", async () => {
    const payment = await pay(10_000);
    await refund(payment.id, newKey("part"), 6_000);
    const over = await refund(payment.id, newKey("over"), 4_001);
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({
      error: "refund_exceeds_payment",
      details: { amountMinor: 4_001, refundableMinor: 4_000 },
    });
    expect((await app.inject(`/payments/${payment.id}`)).json().refundedMinor).toBe(6_000);
    expect(await refundRows(payment.id)).toBe(1);
  });

  it("refuses to refund a declined payment: 409 payment_not_refundable", async () => {
    const payment = await pay(10_000, SANDBOX_CARDS.declined);
    const response = await refund(payment.id, newKey("declined"));
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toBe("payment_not_refundable");
  });

  it("replays a refund key without refunding twice, and refuses the key with another amount", async () => {
    const payment = await pay(10_000);
    const key = newKey("replay");
    const first = await refund(payment.id, key, 2_500);
    const again = await refund(payment.id, key, 2_500);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.json().refundedMinor).toBe(2_500);
    const other = await refund(payment.id, key, 3_000);
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toBe("idempotency_key_reused");
    expect(await refundRows(payment.id)).toBe(1);
  });

  it("refunds once when the same key arrives many times at once", async () => {
    const payment = await pay(10_000);
    const key = newKey("same-at-once");
    const responses = await Promise.all(Array.from({ length: 10 }, () => refund(payment.id, key, 1_000)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    expect((await app.inject(`/payments/${payment.id}`)).json().refundedMinor).toBe(1_000);
    expect(await refundRows(payment.id)).toBe(1);
  });

  it("never lets concurrent refunds add up to more than the payment", async () => {
    const payment = await pay(10_000);
    const responses = await Promise.all(Array.from({ length: 12 }, () => refund(payment.id, newKey("race"), 3_000)));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    const after = (await app.inject(`/payments/${payment.id}`)).json();
    expect(after).toMatchObject({ refundedMinor: 9_000, status: "partially_refunded" });
    expect(await refundRows(payment.id)).toBe(3);
  });

  it("never lets concurrent full refunds refund more than once", async () => {
    const payment = await pay(10_000);
    const responses = await Promise.all(Array.from({ length: 8 }, () => refund(payment.id, newKey("full-race"))));
    expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect((await app.inject(`/payments/${payment.id}`)).json().refundedMinor).toBe(10_000);
  });

  it("answers 404 for an unknown payment and 400 naming a bad amount or missing key", async () => {
    expect((await refund("00000000-0000-4000-8000-000000000000", newKey())).statusCode).toBe(404);
    const payment = await pay(10_000);
    for (const amountMinor of [0, -1, 1.5, 1e20]) {
      const bad = await refund(payment.id, newKey(), amountMinor);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().details[0].field).toBe("body.amountMinor");
    }
    const noKey = await app.inject({ method: "POST", url: `/payments/${payment.id}/refunds` });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().details[0].field).toBe("headers.idempotency-key");
  });
});
