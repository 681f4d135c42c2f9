import { setTimeout as sleep } from "node:timers/promises";
import { createTestDatabase } from "@shop/embedded-db";
import type { ServiceApp } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SANDBOX_CARDS } from "../src/index.js";
import { buildTestApp, countingSandbox, newKey, paymentBody, postPayment } from "./support/payments-app.js";

// Long enough that the row is seen "processing" before the provider answers even on a busy machine; every wait
// below polls to a deadline instead of assuming how fast the server is, and the tests outlast their deadlines.
const SLOW_MS = 3_000;
const DEADLINE_MS = 30_000;

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

  /** Polls the payment of `key` until `done` holds, or fails after the deadline with the last answer. */
  async function waitForPayment(key: string, done: (p: Awaited<ReturnType<typeof paymentByKey>>) => boolean) {
    const deadline = Date.now() + DEADLINE_MS;
    let latest = await paymentByKey(key);
    while (!done(latest) && Date.now() < deadline) {
      await sleep(50);
      latest = await paymentByKey(key);
    }
    return latest;
  }

  it(
    "completes the payment after the caller hung up",
    async () => {
      const key = newKey("slow");
      const caller = new AbortController();
      const request = fetch(`${baseUrl}/payments`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify(paymentBody({ card: { number: SANDBOX_CARDS.slow } })),
        signal: caller.signal,
      });
      // The caller hangs up once the server has the payment (a fixed client deadline could fire before the request
      // even arrived on a busy machine, and then there would be nothing to complete).
      const whileProcessing = await waitForPayment(key, (p) => p.status === 200);
      expect(whileProcessing.status).toBe(200);
      expect(whileProcessing.body.status).toBe("processing");
      caller.abort();
      await expect(request).rejects.toMatchObject({ name: "AbortError" });

      const latest = await waitForPayment(key, (p) => p.body.status !== "processing");
      expect(latest.body).toMatchObject({ id: whileProcessing.body.id, status: "approved", declineCode: null });
    },
    3 * DEADLINE_MS,
  );

  it(
    "answers 202 to a retry while the first request is still processing, without charging again",
    async () => {
      const key = newKey("slow-retry");
      const body = paymentBody({ card: { number: SANDBOX_CARDS.slow } });
      const before = provider.calls();
      const first = app.inject(postPayment(key, body));
      await waitForPayment(key, (p) => p.status === 200);
      const retry = await app.inject(postPayment(key, body));
      expect(retry.statusCode).toBe(202);
      expect(retry.json().status).toBe("processing");
      const settled = await first;
      expect(settled.statusCode).toBe(201);
      expect(settled.json()).toMatchObject({ id: retry.json().id, status: "approved" });
      const later = await app.inject(postPayment(key, body));
      expect(later.statusCode).toBe(200);
      expect(provider.calls() - before).toBe(1);
    },
    3 * DEADLINE_MS,
  );
});
