import { createTestDatabase } from "@shop/embedded-db";
import { captureLogs, createPool, type Pool, type ServiceApp } from "@shop/service-kit";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SANDBOX_CARDS } from "../src/index.js";
import { buildTestApp, newKey, paymentBody, postPayment, TEST_CVC } from "./support/payments-app.js";

const INVALID_NUMBER = "4242424242424241";
const NUMBERS = [...Object.values(SANDBOX_CARDS), "5555555555554444", INVALID_NUMBER];

describe("card numbers and CVCs", () => {
  const logs = captureLogs();
  let app: ServiceApp;
  let pool: Pool;

  beforeAll(async () => {
    const url = await createTestDatabase(inject("postgresAdminUrl"), "payments_card_data");
    app = await buildTestApp(url, { logDestination: logs.stream, slowMs: 20 });
    pool = createPool(url, pino({ level: "silent" }));

    const keyOfRefunded = newKey("refunded");
    const attempts = [
      ...Object.values(SANDBOX_CARDS).map((number) => postPayment(newKey(), paymentBody({ card: { number } }))),
      postPayment(keyOfRefunded, paymentBody({ card: { number: "5555555555554444" } })),
      postPayment(newKey(), paymentBody({ card: { number: INVALID_NUMBER } })),
      postPayment(newKey(), paymentBody({ card: { expYear: 2001 } })),
      postPayment(newKey(), paymentBody({ amountMinor: -1 })),
      postPayment(undefined, paymentBody()),
    ];
    for (const attempt of attempts) await app.inject(attempt);
    const refunded = (await app.inject({ url: "/payments", query: { idempotencyKey: keyOfRefunded } })).json();
    await app.inject({
      method: "POST",
      url: `/payments/${refunded.id}/refunds`,
      headers: { "idempotency-key": newKey() },
      payload: { amountMinor: 100 },
    });
    await app.inject({ method: "POST", url: "/payments/void", headers: { "idempotency-key": newKey() } });
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  it("are in no column of any row of any table", async () => {
    const { rows: tables } = await pool.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["payments", "refunds"]));
    let scanned = 0;
    for (const { name } of tables) {
      const { rows } = await pool.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${name} t`);
      for (const { row } of rows) {
        for (const number of NUMBERS) expect(row).not.toContain(number);
        // Any leaked CVC would be a JSON value of its own; the digits may well occur inside a uuid or a time.
        expect(Object.values(JSON.parse(row)).map(String)).not.toContain(TEST_CVC);
        scanned++;
      }
    }
    const { rows: payments } = await pool.query("SELECT count(*)::int AS n FROM payments WHERE status <> 'voided'");
    expect(payments[0].n).toBe(5);
    expect(scanned).toBeGreaterThan(6);
  });

  it("have no column that could hold them", async () => {
    const { rows } = await pool.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const columns = rows.map((r) => r.column_name);
    expect(columns).toContain("card_last4");
    expect(columns.filter((c) => /number|pan|cvc|cvv/.test(c))).toEqual([]);
  });

  it("never reach a log line, on the success, decline and validation-failure paths", () => {
    const text = logs.text();
    expect(text).toContain("payment settled");
    expect(text).toContain('"status":"declined"');
    expect(text).toContain("validation_failed");
    for (const number of NUMBERS) expect(text).not.toContain(number);
    expect(text).not.toContain(`"${TEST_CVC}"`);
  });
});
