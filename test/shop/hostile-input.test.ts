import { connect } from "node:net";
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
const NUL = "\u0000";
const LONE_SURROGATE = "\ud800";
const NO_ORDER = "/orders/00000000-0000-4000-8000-000000000000/transitions";
const NO_CART = "00000000-0000-4000-8000-000000000000";
/** JSON.parse keeps `__proto__` an own key, so JSON.stringify sends it as a client would. */
const withOwnKey = (json: string) => JSON.parse(json) as unknown;
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
  {
    name: "NUL in the search text",
    service: "api",
    method: "GET",
    path: () => "/products?q=a%00b",
    field: "querystring.q",
  },
  {
    name: "NUL in the checkout id of an order lookup",
    service: "api",
    method: "GET",
    path: () => "/orders?checkoutId=co%00one",
    field: "querystring.checkoutId",
  },
  {
    name: "NUL in a sku",
    service: "api",
    method: "POST",
    path: ({ cartId }) => `/carts/${cartId}/items`,
    body: { sku: `MUG${NUL}`, quantity: 1 },
    field: "body.sku",
  },
  {
    name: "NUL in the checkout id of a new order",
    service: "api",
    method: "POST",
    path: () => "/orders",
    body: { cartId: NO_CART, checkoutId: `co${NUL}one` },
    field: "body.checkoutId",
  },
  {
    name: "NUL in a transition's reason",
    service: "api",
    method: "POST",
    path: () => NO_ORDER,
    body: { to: "cancelled", reason: `changed my mind${NUL}` },
    field: "body.reason",
  },
  {
    name: "a lone surrogate in a transition's reason",
    service: "api",
    method: "POST",
    path: () => NO_ORDER,
    body: { to: "cancelled", reason: `broken ${LONE_SURROGATE} text` },
    field: "body.reason",
  },
  {
    name: "NUL in a transition's payment id",
    service: "api",
    method: "POST",
    path: () => NO_ORDER,
    body: { to: "paid", paymentId: `pay${NUL}` },
    field: "body.paymentId",
  },
  {
    name: "a __proto__ key in a cart line",
    service: "api",
    method: "POST",
    path: ({ cartId }) => `/carts/${cartId}/items`,
    body: withOwnKey('{"sku":"MUG-STONE-350","quantity":1,"__proto__":{"admin":true}}'),
    field: "body.__proto__",
  },
  {
    name: "a constructor.prototype path in a transition",
    service: "api",
    method: "POST",
    path: () => NO_ORDER,
    body: { to: "cancelled", constructor: { prototype: { admin: true } } },
    field: "body.constructor.prototype",
  },
  {
    name: "NUL in a payment's reference",
    service: "payments",
    method: "POST",
    path: () => "/payments",
    headers: key,
    body: { amountMinor: 100, currency: "EUR", reference: `ORD-1${NUL}`, card: card(CARDS.approved) },
    field: "body.reference",
  },
  {
    name: "a lone surrogate in a payment's reference",
    service: "payments",
    method: "POST",
    path: () => "/payments",
    headers: key,
    body: { amountMinor: 100, currency: "EUR", reference: LONE_SURROGATE, card: card(CARDS.approved) },
    field: "body.reference",
  },
  {
    name: "a currency that is three capitals but no ISO 4217 code",
    service: "payments",
    method: "POST",
    path: () => "/payments",
    headers: key,
    body: { amountMinor: 100, currency: "XYZ", reference: "r", card: card(CARDS.approved) },
    field: "body.currency",
  },
  {
    name: "NUL in the idempotency key of a payment lookup",
    service: "payments",
    method: "GET",
    path: () => "/payments?idempotencyKey=hostile-key%00-0001",
    field: "querystring.idempotencyKey",
  },
  {
    name: "a __proto__ key in a payment",
    service: "payments",
    method: "POST",
    path: () => "/payments",
    headers: key,
    body: withOwnKey('{"amountMinor":100,"currency":"EUR","reference":"r","__proto__":{"amountMinor":1}}'),
    field: "body.__proto__",
  },
  {
    name: "NUL in a card's cvc",
    service: "checkout",
    method: "POST",
    path: () => "/checkout",
    headers: key,
    body: { cartId: NO_CART, card: { ...card(CARDS.approved), cvc: `12${NUL}3` } },
    field: "body.card.cvc",
  },
  {
    name: "a constructor.prototype path inside the card",
    service: "checkout",
    method: "POST",
    path: () => "/checkout",
    headers: key,
    body: { cartId: NO_CART, card: { ...card(CARDS.approved), constructor: { prototype: {} } } },
    field: "body.card.constructor.prototype",
  },
];

/** Every route that takes a body, with the path it is reached at. */
const BODY_ROUTES: ReadonlyArray<readonly [ServiceName, string, (ids: { cartId: string; sku: string }) => string]> = [
  ["api", "POST", () => "/carts"],
  ["api", "POST", ({ cartId }) => `/carts/${cartId}/items`],
  ["api", "PUT", ({ cartId, sku }) => `/carts/${cartId}/items/${sku}`],
  ["api", "POST", () => "/orders"],
  ["api", "POST", () => NO_ORDER],
  ["payments", "POST", () => "/payments"],
  ["payments", "POST", () => "/payments/void"],
  ["payments", "POST", () => `/payments/${NO_CART}/refunds`],
  ["checkout", "POST", () => "/checkout"],
];

/** One raw HTTP/1.1 exchange, for what only Node's own parser sees: oversized headers, a broken request. */
function rawExchange(url: string, request: string): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let raw = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      raw += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const [head = "", body = ""] = raw.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), body: body ? JSON.parse(body) : null });
    });
  });
}

/**
 * POSTs a JSON body too large for the service: the head first, then the body in chunks until the server answers. A
 * service refuses it from Content-Length alone (413) and closes without reading it, so a client that kept writing
 * (fetch does) fails with EPIPE or ECONNRESET at random, before it reads the answer.
 */
function oversizedPost(url: string, headers: Record<string, string>, body: string): Promise<{ status: number }> {
  const { hostname, port, pathname } = new URL(url);
  const head = [
    `POST ${pathname} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    "Connection: close",
    "",
    "",
  ].join("\r\n");
  return new Promise((resolve, reject) => {
    let raw = "";
    const answered = () => /^HTTP\/1\.1 (\d{3})/.exec(raw);
    const socket = connect(Number(port), hostname, async () => {
      socket.write(head);
      for (let at = 0; at < body.length && !answered() && !socket.destroyed; at += 64 * 1024) {
        socket.write(body.slice(at, at + 64 * 1024));
        await new Promise((next) => setTimeout(next, 5));
      }
    });
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      raw += chunk;
      const status = answered();
      if (status) {
        resolve({ status: Number(status[1]) });
        socket.destroy();
      }
    });
    socket.on("error", (error) => (answered() ? undefined : reject(error)));
    socket.on("close", () => (answered() ? undefined : reject(new Error(`closed without an answer: ${raw}`))));
  });
}

/** The documented error shape, naming `field` in the message and in the details. */
const namingField = (field: string) => ({
  error: expect.stringMatching(/^[a-z_]+$/),
  message: expect.stringContaining(field),
  details: expect.arrayContaining([{ field, message: expect.any(String) }]),
});

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
    expect(answer.body.details).toEqual(
      expect.arrayContaining([{ field: expect.stringContaining(c.field), message: expect.any(String) }]),
    );
  });

  it.each(BODY_ROUTES)(
    "%s %s: a text/plain or form body is refused with 415 naming the content type",
    async (service, method, path) => {
      for (const contentType of ["text/plain", "application/x-www-form-urlencoded"]) {
        const answer = await call(method, `${shop.urls[service]}${path(ids)}`, {
          body: { cartId: ids.cartId },
          headers: { ...key, "content-type": contentType },
        });
        expect(answer.status, contentType).toBe(415);
        expect(answer.body, contentType).toEqual({
          ...namingField("headers.content-type"),
          error: "unsupported_media_type",
        });
      }
    },
  );

  it.each([
    ["api", "/carts/"],
    ["api", "/products/"],
    ["payments", "/payments/"],
    ["checkout", "/checkout/"],
  ] as const)(
    "%s: a 5,000-character path parameter (%s…) gets 414 in the documented shape",
    async (service, prefix) => {
      const answer = await call("GET", `${shop.urls[service]}${prefix}${"9".repeat(5000)}`);
      expect(answer.status).toBe(414);
      expect(answer.body).toEqual({ ...namingField("params"), error: "path_too_long" });
      expect(JSON.stringify(answer.body)).not.toContain("99999999");
    },
  );

  it.each(["api", "payments", "checkout"] as const)(
    "%s: headers too large get 431 and an unparsable request 400, both in the documented shape",
    async (service) => {
      const huge = await rawExchange(
        shop.urls[service],
        `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${"a".repeat(32 * 1024)}\r\n\r\n`,
      );
      expect(huge).toEqual({ status: 431, body: { ...namingField("headers"), error: "headers_too_large" } });
      const broken = await rawExchange(
        shop.urls[service],
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nno colon\r\n\r\n",
      );
      expect(broken).toEqual({ status: 400, body: { ...namingField("request"), error: "malformed_request" } });
    },
  );

  it("an oversized body is refused with 413 by every service that takes JSON", async () => {
    const huge = { sku: "X".repeat(2 * 1024 * 1024), quantity: 1 };
    for (const [service, path] of [
      ["api", `/carts/${ids.cartId}/items`],
      ["checkout", "/checkout"],
      ["payments", "/payments"],
    ] as const) {
      const answer = await oversizedPost(`${shop.urls[service]}${path}`, key, JSON.stringify(huge));
      expect(answer.status, service).toBe(413);
    }
  });

  it("none of it reached the catalog: products are all still there", async () => {
    const rows = await shop.sql<{ n: number }>("api", "SELECT count(*)::int AS n FROM products");
    expect(rows[0]?.n).toBeGreaterThan(0);
  });

  it("no service logged an error for any of it", async () => {
    const errors = (await shop.logs()).split("\n").filter((line) => /"level":(5|6)\d/.test(line));
    expect(errors).toEqual([]);
  });
});
