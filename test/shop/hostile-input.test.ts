import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceName } from "../../scripts/lib/platform.js";
import { CARDS, call, card, cartWith, startTestShop, type TestShop } from "./support/shop.js";

interface Case {
  readonly name: string;
  readonly service: ServiceName;
  readonly method: string;
  readonly path: (ids: { cartId: string; sku: string }) => string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** The field the answer must name. */
  readonly field: string;
}

const key = { "idempotency-key": "hostile-input-key-0001" };
const CASES: Case[] = [
  {
    name: "wrong type",
    service: "api",
    method: "POST",
    path: ({ cartId }) => `/carts/${cartId}/items`,
    body: { sku: "X", quantity: "two" },
    field: "body.quantity",
  },
  {
    name: "negative quantity",
    service: "api",
    method: "POST",
    path: ({ cartId }) => `/carts/${cartId}/items`,
    body: { sku: "X", quantity: -3 },
    field: "body.quantity",
  },
  {
    name: "huge quantity",
    service: "api",
    method: "PUT",
    path: ({ cartId, sku }) => `/carts/${cartId}/items/${sku}`,
    body: { quantity: 1e20 },
    field: "body.quantity",
  },
  {
    name: "unknown field",
    service: "api",
    method: "POST",
    path: ({ cartId }) => `/carts/${cartId}/items`,
    body: { sku: "X", quantity: 1, price: 0 },
    field: "price",
  },
  {
    name: "SQL-looking id",
    service: "api",
    method: "GET",
    path: () => `/carts/${encodeURIComponent("1' OR '1'='1")}`,
    field: "params.id",
  },
  {
    name: "SQL-looking limit",
    service: "api",
    method: "GET",
    path: () => "/products?limit=1;DROP TABLE products",
    field: "querystring.limit",
  },
  {
    name: "page far too large",
    service: "api",
    method: "GET",
    path: () => "/products?limit=100000",
    field: "querystring.limit",
  },
  {
    name: "no idempotency key",
    service: "checkout",
    method: "POST",
    path: () => "/checkout",
    body: { cartId: "00000000-0000-4000-8000-000000000000", card: card(CARDS.approved) },
    field: "idempotency-key",
  },
  {
    name: "cart id not a uuid",
    service: "checkout",
    method: "POST",
    path: () => "/checkout",
    headers: key,
    body: { cartId: "'; DELETE FROM orders; --", card: card(CARDS.approved) },
    field: "body.cartId",
  },
  {
    name: "card fails Luhn",
    service: "checkout",
    method: "POST",
    path: () => "/checkout",
    headers: key,
    body: { cartId: "00000000-0000-4000-8000-000000000000", card: card("4242424242424241") },
    field: "body.card.number",
  },
  {
    name: "amount not an integer",
    service: "payments",
    method: "POST",
    path: () => "/payments",
    headers: key,
    body: { amountMinor: 10.5, currency: "EUR", reference: "r", card: card(CARDS.approved) },
    field: "body.amountMinor",
  },
  {
    name: "amount astronomically large",
    service: "payments",
    method: "POST",
    path: () => "/payments",
    headers: key,
    body: { amountMinor: 1e20, currency: "EUR", reference: "r", card: card(CARDS.approved) },
    field: "body.amountMinor",
  },
  {
    name: "expired card",
    service: "payments",
    method: "POST",
    path: () => "/payments",
    headers: key,
    body: { amountMinor: 100, currency: "EUR", reference: "r", card: { ...card(CARDS.approved), expYear: 2020 } },
    field: "body.card.exp",
  },
];

describe("hostile input gets a 4xx that names the field, never a 5xx", () => {
  let shop: TestShop;
  let ids: { cartId: string; sku: string };

  beforeAll(async () => {
    shop = await startTestShop();
    const sku = (await call("GET", `${shop.urls.api}/products?limit=1`)).body.items[0].sku;
    ids = { cartId: await cartWith(shop, sku, 1), sku };
  });
  afterAll(() => shop?.stop());

  it.each(CASES)("$service: $name", async (c) => {
    const answer = await call(c.method, `${shop.urls[c.service]}${c.path(ids)}`, { body: c.body, headers: c.headers });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    expect(`${answer.body.message} ${JSON.stringify(answer.body.details ?? "")}`).toContain(c.field);
  });

  it("an oversized body is refused with 413 by every service that takes JSON", async () => {
    const huge = { sku: "X".repeat(2 * 1024 * 1024), quantity: 1 };
    for (const [service, path] of [
      ["api", `/carts/${ids.cartId}/items`],
      ["checkout", "/checkout"],
      ["payments", "/payments"],
    ] as const) {
      const answer = await call("POST", `${shop.urls[service]}${path}`, { body: huge, headers: key });
      expect(answer.status, service).toBe(413);
    }
  });

  it("none of it reached the catalog: products are all still there", async () => {
    const rows = await shop.sql<{ n: number }>("api", "SELECT count(*)::int AS n FROM products");
    expect(rows[0]?.n).toBeGreaterThan(0);
  });
});
