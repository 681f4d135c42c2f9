import { createTestDatabase } from "@shop/embedded-db";
import { createLogger, requestFingerprint, type ServiceApp } from "@shop/service-kit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildApp, configSchema, createSandboxLedger, createSandboxProvider, SANDBOX_CARDS } from "../src/index.js";
import { tokeniseCard } from "../src/payments/card.js";
import { createPaymentBodySchema } from "../src/payments/schemas.js";
import { createPaymentsRepository } from "../src/repositories/payments.js";
import { FINGERPRINT_SECRET, newKey, paymentBody, postPayment } from "./support/payments-app.js";

const SETTLE_AFTER_MS = 60_000;

/**
 * The rows a payments crash leaves behind, made with the real repository and the real sandbox ledger, then aged
 * past the settlement threshold (the crashes themselves are proven in test/shop/payments-killed-at-every-step).
 */
describe("a payment left processing by a crash is settled by asking the provider", () => {
  let databaseUrl: string;
  let pool: pg.Pool;
  let app: ServiceApp;
  const build = (sweepIntervalMs: number, env: Record<string, string> = {}) =>
    buildApp(
      configSchema.parse({
        DATABASE_URL: databaseUrl,
        FINGERPRINT_SECRET,
        PAYMENT_SETTLE_AFTER_MS: String(SETTLE_AFTER_MS),
        PAYMENT_SWEEP_INTERVAL_MS: String(sweepIntervalMs),
        LOG_LEVEL: "silent",
        ...env,
      }),
      { logger: createLogger({ service: "payments", level: "silent" }) },
    );

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(inject("postgresAdminUrl"), "payments_stale");
    app = await build(0);
    pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  /** A processing row as the charge writes it, `ageMs` old; `charged` also records the provider's charge. */
  async function crashedPayment(options: { charged: boolean; ageMs?: number }) {
    const key = newKey("stale");
    const body = createPaymentBodySchema.parse(paymentBody({ reference: `ORD-${key}` }));
    const payment = await createPaymentsRepository(pool).insertProcessing({
      idempotencyKey: key,
      fingerprint: requestFingerprint(FINGERPRINT_SECRET, body),
      amountMinor: body.amountMinor,
      currency: body.currency,
      reference: body.reference,
      card: tokeniseCard(body.card),
    });
    if (!payment) throw new Error(`key ${key} was taken`);
    if (options.charged) {
      const sandbox = createSandboxProvider({ slowMs: 0, ledger: createSandboxLedger(pool) });
      await sandbox.charge({ paymentId: payment.id, ...body });
    }
    const ageMs = options.ageMs ?? SETTLE_AFTER_MS + 1000;
    await pool.query("UPDATE payments SET created_at = now() - $2 * interval '1 millisecond' WHERE id = $1", [
      payment.id,
      ageMs,
    ]);
    return { key, body, payment };
  }

  const statusOf = async (id: string) =>
    (await pool.query("SELECT status FROM payments WHERE id = $1", [id])).rows[0]?.status;
  const ledgerOf = async (id: string) =>
    (await pool.query("SELECT outcome FROM sandbox_provider_charges WHERE payment_id = $1", [id])).rows.map(
      (row) => row.outcome,
    );

  it("a retry of a stale key the provider charged gets the approved payment, charged once", async () => {
    const { key, body, payment } = await crashedPayment({ charged: true });
    const retry = await app.inject(postPayment(key, body));
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ id: payment.id, status: "approved" });
    expect(await ledgerOf(payment.id)).toEqual(["approved"]);
  });

  it("a retry of a stale key the provider never charged is told the key is voided, and no charge can follow", async () => {
    const { key, body, payment } = await crashedPayment({ charged: false });
    const retry = await app.inject(postPayment(key, body));
    expect(retry.statusCode).toBe(409);
    expect(retry.json().error).toBe("idempotency_key_voided");
    expect(await statusOf(payment.id)).toBe("voided");
    expect(await ledgerOf(payment.id)).toEqual(["closed"]);
    const lookup = await app.inject({ url: "/payments", query: { idempotencyKey: key } });
    expect(lookup.statusCode).toBe(404);

    // The charge that was on its way when payments died arrives late: the provider refuses it.
    const sandbox = createSandboxProvider({ slowMs: 0, ledger: createSandboxLedger(pool) });
    await expect(sandbox.charge({ paymentId: payment.id, ...body })).rejects.toThrow(/closed the key/);
    expect(await ledgerOf(payment.id)).toEqual(["closed"]);
  });

  it("a retry of a payment that is processing but not stale yet still answers 202 and asks no one", async () => {
    const { key, body, payment } = await crashedPayment({ charged: false, ageMs: 0 });
    const retry = await app.inject(postPayment(key, body));
    expect(retry.statusCode).toBe(202);
    expect(await ledgerOf(payment.id)).toEqual([]);
  });

  it("a restarted payments settles stale payments without any request: charged → approved, never charged → voided", async () => {
    const charged = await crashedPayment({ charged: true });
    const lost = await crashedPayment({ charged: false });
    const restarted = await build(60_000);
    try {
      const deadline = Date.now() + 20_000;
      const stillProcessing = async () =>
        (await statusOf(lost.payment.id)) === "processing" || (await statusOf(charged.payment.id)) === "processing";
      while (Date.now() < deadline && (await stillProcessing())) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await statusOf(charged.payment.id)).toBe("approved");
      expect(await statusOf(lost.payment.id)).toBe("voided");
    } finally {
      await restarted.close();
    }
  });

  it("another instance settling a charge still on its way to the provider voids it, and the provider refuses it", async () => {
    const slow = await build(0, { SANDBOX_SLOW_MS: "1500" });
    const eager = await build(50, { PAYMENT_SETTLE_AFTER_MS: "100" });
    try {
      const key = newKey("eager");
      const answer = await slow.inject(postPayment(key, paymentBody({ card: { number: SANDBOX_CARDS.slow } })));
      expect(answer.statusCode).toBe(409);
      expect(answer.json().error).toBe("idempotency_key_voided");
      const [row] = (await pool.query("SELECT id, status FROM payments WHERE idempotency_key = $1", [key])).rows;
      expect(row?.status).toBe("voided");
      expect(await ledgerOf(row?.id)).toEqual(["closed"]);
    } finally {
      await Promise.all([slow.close(), eager.close()]);
    }
  });

  it("PAYMENTS_FAULT takes only crash-at:<step> and is refused when NODE_ENV=production", () => {
    const env = { DATABASE_URL: databaseUrl, FINGERPRINT_SECRET };
    expect(configSchema.parse({ ...env, PAYMENTS_FAULT: "crash-at:after-row" }).PAYMENTS_FAULT).toBe("after-row");
    expect(configSchema.parse(env).PAYMENTS_FAULT).toBeNull();
    const unknown = configSchema.safeParse({ ...env, PAYMENTS_FAULT: "crash-at:lunch" });
    expect(unknown.error?.issues[0]?.path).toEqual(["PAYMENTS_FAULT"]);
    const production = configSchema.safeParse({ ...env, NODE_ENV: "production", PAYMENTS_FAULT: "crash-at:after-row" });
    expect(production.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [["PAYMENTS_FAULT"], "is a test-only crash hook and is refused when NODE_ENV=production"],
    ]);
  });
});
