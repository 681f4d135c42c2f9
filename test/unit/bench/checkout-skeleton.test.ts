import { randomUUID } from "node:crypto";
import { clusterAt } from "@shop/embedded-db";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  CHECKOUT_SHAPE,
  type RunningSkeleton,
  SHAPE_COMMITS,
  SHAPE_REQUESTS,
  startSkeleton,
} from "../../../bench/lib/skeleton.js";

// bench:shop's ceiling argument rests on the skeleton having the checkout's shape: these are its requests and commits.
describe("the checkout's skeleton (bench:shop phase 5)", () => {
  const cluster = clusterAt(inject("postgresAdminUrl"));
  const prefix = `skeleton_${randomUUID().slice(0, 8)}`;
  let skeleton: RunningSkeleton;

  beforeAll(async () => {
    skeleton = await startSkeleton(cluster, prefix);
  }, 60_000);

  afterAll(async () => {
    await skeleton?.stop();
  });

  it("makes each role's commits per request and answers 201 with the chain's answers", async () => {
    const checkouts = 3;
    for (let i = 0; i < checkouts; i++) {
      const response = await fetch(`${skeleton.url}/checkout`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ cartId: `cart-${i}` }),
      });
      expect(response.status).toBe(201);
      const body = (await response.json()) as { paid: { echo: { payment: { echo: { order: { echo: unknown } } } } } };
      // mark-paid (api) echoes the payment (payments), which echoes the order (api), which echoes the request.
      expect(body.paid.echo.payment.echo.order.echo).toEqual({ cartId: `cart-${i}` });
    }
    const rows: Record<string, number> = {};
    for (const role of Object.keys(CHECKOUT_SHAPE.requests)) {
      const client = new pg.Client({ connectionString: cluster.connectionString(`${prefix}_${role}`) });
      await client.connect();
      rows[role] = (await client.query("SELECT count(*)::int AS n FROM skeleton")).rows[0].n;
      await client.end();
    }
    expect(rows).toEqual({ checkout: 3 * checkouts, api: 2 * checkouts, payments: 3 * checkouts });
    expect(Object.values(rows).reduce((sum, n) => sum + n, 0)).toBe(SHAPE_COMMITS * checkouts);
    expect(SHAPE_REQUESTS).toBe(4);
  });
});
