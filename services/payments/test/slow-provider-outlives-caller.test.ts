import { setTimeout as sleep } from "node:timers/promises";
import { createTestDatabase } from "@shop/embedded-db";
import type { ServiceApp } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SANDBOX_CARDS } from "../src/index.js";
import { buildTestApp, countingSandbox, newKey, paymentBody, postPayment } from "./support/payments-app.js";

const SLOW_MS = 400;

describe("a provider slower than the caller's deadline", () => {
  const provider = countingSandbox(SLOW_MS);
  let app: ServiceApp;
  let baseUrl: string;

  beforeAll(async () => {
    app = await buildTestApp(await createTestDatabase(inject("postgresAdminUrl"), "payments_slow"), {
      provider,
      slowMs: SLOW_MS,
    });
    baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(() => app.close());

  async function paymentByKey(key: string) {
    const response = await fetch(`${baseUrl}/payments?idempotencyKey=${encodeURIComponent(key)}`);
    return { status: response.status, body: (await response.json()) as { id: string; status: string } };
  }

  it("completes the payment after the caller timed out and hung up", async () => {
    const key = newKey("slow");
    const started = Date.now();
    const aborted = fetch(`${baseUrl}/payments`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify(paymentBody({ card: { number: SANDBOX_CARDS.slow } })),
      signal: AbortSignal.timeout(100),
    });
    await expect(aborted).rejects.toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeLessThan(SLOW_MS);

    const whileProcessing = await paymentByKey(key);
    expect(whileProcessing.status).toBe(200);
    expect(whileProcessing.body.status).toBe("processing");

    let latest = whileProcessing;
    for (let attempt = 0; attempt < 40 && latest.body.status === "processing"; attempt++) {
      await sleep(50);
      latest = await paymentByKey(key);
    }
    expect(latest.body).toMatchObject({ id: whileProcessing.body.id, status: "approved", declineCode: null });
  });

  it("answers 202 to a retry while the first request is still processing, without charging again", async () => {
    const key = newKey("slow-retry");
    const body = paymentBody({ card: { number: SANDBOX_CARDS.slow } });
    const before = provider.calls();
    const first = app.inject(postPayment(key, body));
    await sleep(SLOW_MS / 4);
    const retry = await app.inject(postPayment(key, body));
    expect(retry.statusCode).toBe(202);
    expect(retry.json().status).toBe("processing");
    const settled = await first;
    expect(settled.statusCode).toBe(201);
    expect(settled.json()).toMatchObject({ id: retry.json().id, status: "approved" });
    const later = await app.inject(postPayment(key, body));
    expect(later.statusCode).toBe(200);
    expect(provider.calls() - before).toBe(1);
  });
});
