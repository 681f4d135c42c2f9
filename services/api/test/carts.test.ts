import type { ServiceApp } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, createApiTestDatabase } from "./test-app.js";

const MUG = { sku: "MUG-STONE-350", price: 1490 };
const TEA = { sku: "TEA-SENCHA-100", price: 990 };

describe("carts", () => {
  let app: ServiceApp;
  const newCart = async () => (await app.inject({ method: "POST", url: "/carts" })).json().id as string;
  const add = (cartId: string, payload: unknown) =>
    app.inject({ method: "POST", url: `/carts/${cartId}/items`, payload: payload as object });
  const fieldsOf = (body: { details?: Array<{ field: string }> }) => [
    ...new Set((body.details ?? []).map((d) => d.field)),
  ];

  beforeAll(async () => {
    app = await buildTestApp(await createApiTestDatabase("api_carts"));
  });
  afterAll(() => app.close());

  it("starts empty and open", async () => {
    const created = await app.inject({ method: "POST", url: "/carts" });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ status: "open", currency: "EUR", items: [], itemCount: 0, totalMinor: 0 });
    const read = await app.inject(`/carts/${created.json().id}`);
    expect(read.json()).toEqual(created.json());
  });

  it("adds, merges, changes and removes lines with totals in integer cents", async () => {
    const id = await newCart();
    await add(id, { sku: MUG.sku, quantity: 2 });
    const merged = (await add(id, { sku: MUG.sku, quantity: 1 })).json();
    expect(merged.items).toEqual([
      { sku: MUG.sku, name: "Stoneware Mug", unitPriceMinor: MUG.price, quantity: 3, lineTotalMinor: 3 * MUG.price },
    ]);
    const two = (await add(id, { sku: TEA.sku, quantity: 7 })).json();
    expect(two).toMatchObject({ itemCount: 10, totalMinor: 3 * MUG.price + 7 * TEA.price });

    const changed = await app.inject({ method: "PUT", url: `/carts/${id}/items/${TEA.sku}`, payload: { quantity: 1 } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ itemCount: 4, totalMinor: 3 * MUG.price + TEA.price });

    const removed = await app.inject({ method: "DELETE", url: `/carts/${id}/items/${MUG.sku}` });
    expect(removed.json()).toMatchObject({ itemCount: 1, totalMinor: TEA.price });
    expect(removed.json().items.map((l: { sku: string }) => l.sku)).toEqual([TEA.sku]);
    const again = await app.inject({ method: "DELETE", url: `/carts/${id}/items/${MUG.sku}` });
    expect(again.statusCode).toBe(200);
    expect(again.json().totalMinor).toBe(TEA.price);
  });

  it.each([0, -1, 100, 1.5, 1e20, "2", null, true, [1], { n: 1 }])(
    "refuses quantity %j naming body.quantity on add and on change",
    async (quantity) => {
      const id = await newCart();
      const added = await add(id, { sku: MUG.sku, quantity });
      expect(added.statusCode).toBe(400);
      expect(fieldsOf(added.json())).toEqual(["body.quantity"]);
      await add(id, { sku: MUG.sku, quantity: 1 });
      const changed = await app.inject({ method: "PUT", url: `/carts/${id}/items/${MUG.sku}`, payload: { quantity } });
      expect(changed.statusCode).toBe(400);
      expect(fieldsOf(changed.json())).toEqual(["body.quantity"]);
      expect((await app.inject(`/carts/${id}`)).json().itemCount).toBe(1);
    },
  );

  it("refuses a line that would exceed 99 units, naming body.quantity", async () => {
    const id = await newCart();
    await add(id, { sku: MUG.sku, quantity: 60 });
    const over = await add(id, { sku: MUG.sku, quantity: 40 });
    expect(over.statusCode).toBe(400);
    expect(fieldsOf(over.json())).toEqual(["body.quantity"]);
    expect((await app.inject(`/carts/${id}`)).json().itemCount).toBe(60);
  });

  it("refuses more than the stock with out_of_stock", async () => {
    const id = await newCart();
    const response = await add(id, { sku: "BOARD-OAK-M", quantity: 13 });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      error: "out_of_stock",
      details: { sku: "BOARD-OAK-M", requested: 13, available: 12 },
    });
  });

  it("names an unknown field, a missing field and a malformed SKU", async () => {
    const id = await newCart();
    const unknown = await add(id, { sku: MUG.sku, quantity: 1, priceMinor: 1 });
    expect(unknown.statusCode).toBe(400);
    expect(fieldsOf(unknown.json())).toEqual(["body.priceMinor"]);
    const missing = await add(id, { quantity: 1 });
    expect(fieldsOf(missing.json())).toEqual(["body.sku"]);
    const badSku = await add(id, { sku: "' OR 1=1 --", quantity: 1 });
    expect(fieldsOf(badSku.json())).toEqual(["body.sku"]);
  });

  it("answers 404 for an unknown cart, product or line", async () => {
    const id = await newCart();
    const ghost = "00000000-0000-4000-8000-000000000000";
    expect((await app.inject(`/carts/${ghost}`)).statusCode).toBe(404);
    expect((await add(ghost, { sku: MUG.sku, quantity: 1 })).statusCode).toBe(404);
    expect((await add(id, { sku: "NOT-A-PRODUCT", quantity: 1 })).statusCode).toBe(404);
    const noLine = await app.inject({ method: "PUT", url: `/carts/${id}/items/${MUG.sku}`, payload: { quantity: 2 } });
    expect(noLine.statusCode).toBe(404);
  });

  it.each(["not-a-uuid", "1", "' OR 1=1 --", "00000000-0000-0000-0000-00000000000g"])(
    "refuses cart id %j naming params.id",
    async (cartId) => {
      const response = await app.inject(`/carts/${encodeURIComponent(cartId)}`);
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toEqual(["params.id"]);
    },
  );

  it("never answers 5xx to hostile input", async () => {
    const id = await newCart();
    const hostile: Array<{ method: "POST" | "PUT" | "GET" | "DELETE"; url: string; payload?: unknown }> = [
      { method: "POST", url: `/carts/${id}/items`, payload: "not json" },
      { method: "POST", url: `/carts/${id}/items`, payload: [] },
      { method: "POST", url: `/carts/${id}/items`, payload: { sku: "A".repeat(10_000), quantity: 1 } },
      { method: "POST", url: `/carts/${id}/items`, payload: { sku: MUG.sku, quantity: Number.MAX_SAFE_INTEGER } },
      { method: "POST", url: `/carts/${id}/items`, payload: `{"__proto__":{"quantity":1},"sku":"${MUG.sku}"}` },
      { method: "PUT", url: `/carts/${id}/items/%00`, payload: { quantity: 1 } },
      { method: "DELETE", url: `/carts/${id}/items/${"X".repeat(500)}` },
      { method: "GET", url: `/carts/${"9".repeat(5000)}` },
      { method: "GET", url: "/products?offset=1e308&limit=1" },
      { method: "GET", url: `/products?q=${"%25".repeat(500)}` },
    ];
    for (const request of hostile) {
      const response = await app.inject({
        method: request.method,
        url: request.url,
        ...(typeof request.payload === "string"
          ? { payload: request.payload, headers: { "content-type": "application/json" } }
          : request.payload === undefined
            ? {}
            : { payload: request.payload as object }),
      });
      expect(response.statusCode, `${request.method} ${request.url.slice(0, 60)}`).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, `${request.method} ${request.url.slice(0, 60)}`).toBeLessThan(500);
    }
  });
});
