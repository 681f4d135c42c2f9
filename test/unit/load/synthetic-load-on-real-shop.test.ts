// Synthetic shoppers against the real shop: the four services as processes on loopback against the run's
// embedded PostgreSQL (test/shop's helper). Purchases are checked behind the storefront: orders through api, stock
// in api's database; the rate is checked by count, from the storefront's own request metrics, never by timing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSchema } from "../../../src/config/load-schema.js";
import {
  LOAD_CEILING,
  runSyntheticLoad,
  syntheticLoadOptions,
  withSyntheticLoad,
} from "../../../src/delivery/load/index.js";
import { call, startTestShop, type TestShop } from "../../shop/support/shop.js";

let shop: TestShop;

beforeAll(async () => {
  shop = await startTestShop();
}, 180_000);

afterAll(async () => {
  await shop?.stop();
});

/** Requests the storefront has answered, from its own histogram, leaving out /metrics and the probes. */
async function storefrontRequests(): Promise<number> {
  const text = await (await fetch(`${shop.urls.storefront}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^http_request_duration_seconds_count\{([^}]*)\} (\d+)$/gm)) {
    if (/route="\/(metrics|healthz|readyz)"/.test(match[1] as string)) continue;
    total += Number(match[2]);
  }
  return total;
}

/** Stock per SKU from api's own table (api's listing may be served from its one-second cache). */
async function stock(): Promise<Map<string, number>> {
  const rows = await shop.sql<{ sku: string; stock: number }>("api", "SELECT sku, stock FROM products");
  return new Map(rows.map((row) => [row.sku, Number(row.stock)]));
}

/** Polls the storefront's request count (bounded) until it has grown by `count` since `from`. */
async function untilServed(from: number, count: number): Promise<number> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const served = await storefrontRequests();
    if (served - from >= count) return served;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the storefront did not serve ${count} requests within 30 s`);
}

const baseUrl = () => shop.urls.storefront;

describe("synthetic load against the real shop", () => {
  it("5 s at 10 requests/s buys through the storefront: orders paid in api, stock down by the purchases, no 5xx, at most rate × duration requests", async () => {
    const load = loadSchema.parse({ rate: 10, duration: "5s", concurrency: 2 });
    const stockBefore = await stock();
    const servedBefore = await storefrontRequests();

    const summary = await runSyntheticLoad(syntheticLoadOptions(load, { baseUrl: baseUrl() }));

    const served = (await storefrontRequests()) - servedBefore;
    const stockAfter = await stock();
    console.log(`synthetic load, 5 s at 10 requests/s: ${JSON.stringify({ ...summary, served })}`);

    // The rate, by count: never more than rate × duration, and the summary counts what the storefront served.
    expect(summary.limits.maxRequests).toBe(50);
    expect(summary.requests.sent).toBeLessThanOrEqual(10 * 5);
    expect(served).toBe(summary.requests.sent);
    expect(summary.requests.answered).toBe(summary.requests.sent);
    expect(["duration", "request-limit"]).toContain(summary.stoppedBy);

    expect(summary.failures).toEqual({
      clientErrors: 0,
      serverErrors: 0,
      connectionErrors: 0,
      timeouts: 0,
      unexpected: 0,
    });
    expect(summary.problems).toEqual({});
    expect(summary.catalogReads.completed).toBeGreaterThan(0);
    const { completed, orderIds } = summary.purchases;
    expect(completed).toBeGreaterThan(0);
    expect(summary.purchases).toMatchObject({ declined: 0, pending: 0, refused: 0, failed: 0, outcomeUnknown: 0 });

    // Every purchase is a paid order in api, each a different one.
    expect(new Set(orderIds).size).toBe(completed);
    for (const id of orderIds) {
      const order = await call("GET", `${shop.urls.api}/orders/${id}`);
      expect(order.status).toBe(200);
      expect(order.body).toMatchObject({ id, status: "paid" });
      expect(order.body.items.reduce((sum: number, line: { quantity: number }) => sum + line.quantity, 0)).toBe(1);
    }
    // Each purchase took one unit of stock, and nothing else did.
    let taken = 0;
    for (const [sku, before] of stockBefore) {
      const after = stockAfter.get(sku) ?? before;
      expect(after).toBeLessThanOrEqual(before);
      taken += before - after;
    }
    expect(taken).toBe(completed);
  });

  it("withSyntheticLoad sends traffic while the work runs and stops when it ends, returning both results", async () => {
    const load = loadSchema.parse({ rate: 10, concurrency: 2 });
    expect(load.duration).toBe("analysis");
    const servedBefore = await storefrontRequests();
    let servedWhenWorkEnded = 0;

    const { result, load: summary } = await withSyntheticLoad(
      syntheticLoadOptions(load, { baseUrl: baseUrl() }),
      async () => {
        // Stands in for an analysis: it ends once there has been traffic to measure.
        servedWhenWorkEnded = await untilServed(servedBefore, 15);
        return "analysis finished";
      },
    );
    const served = (await storefrontRequests()) - servedBefore;

    expect(result).toBe("analysis finished");
    expect(summary.stoppedBy).toBe("work-ended");
    expect(summary.limits.durationMs).toBe(LOAD_CEILING.durationMs);
    expect(served).toBe(summary.requests.sent);
    expect(summary.requests.answered).toBe(summary.requests.sent);
    // After the work ended each shopper finished at most the request it had in flight (and one it had just sent
    // while the count was being read): nothing more.
    expect(served - (servedWhenWorkEnded - servedBefore)).toBeLessThanOrEqual(2 * summary.limits.concurrency);
    expect(summary.failures.serverErrors).toBe(0);
  });

  it("an AbortSignal ends a load long before its duration, with every request sent answered", async () => {
    const controller = new AbortController();
    const load = loadSchema.parse({ rate: 10, duration: "10m", concurrency: 3 });
    const servedBefore = await storefrontRequests();

    const running = runSyntheticLoad(syntheticLoadOptions(load, { baseUrl: baseUrl(), signal: controller.signal }));
    await untilServed(servedBefore, 10);
    controller.abort();
    const summary = await running;
    const served = (await storefrontRequests()) - servedBefore;

    expect(summary.stoppedBy).toBe("aborted");
    expect(summary.requests.sent).toBeLessThan(summary.limits.maxRequests);
    expect(served).toBe(summary.requests.sent);
    expect(summary.requests.answered).toBe(summary.requests.sent);
    const p = summary.purchases;
    expect(p.started).toBe(
      p.completed + p.declined + p.pending + p.refused + p.failed + p.outcomeUnknown + p.abandoned,
    );
    expect(p.outcomeUnknown).toBe(0);
  });
});
