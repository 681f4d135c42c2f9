import type { ServiceApp } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CATALOG } from "../src/demo-catalog.js";
import { buildTestApp, createApiTestDatabase } from "./test-app.js";

describe("the catalog", () => {
  let app: ServiceApp;

  beforeAll(async () => {
    app = await buildTestApp(await createApiTestDatabase("api_catalog"));
  });
  afterAll(() => app.close());

  it("is seeded with the demo products in integer euro cents", async () => {
    const page = (await app.inject("/products?limit=100")).json();
    expect(page.total).toBe(DEMO_CATALOG.length);
    expect(page.items).toHaveLength(DEMO_CATALOG.length);
    for (const product of page.items) {
      expect(product.currency).toBe("EUR");
      expect(Number.isInteger(product.priceMinor)).toBe(true);
      expect(product.stock).toBeGreaterThan(0);
    }
  });

  it("pages through the products without overlap", async () => {
    const first = (await app.inject("/products?limit=5&offset=0")).json();
    const second = (await app.inject("/products?limit=5&offset=5")).json();
    const last = (await app.inject("/products?limit=5&offset=10")).json();
    expect(first).toMatchObject({ limit: 5, offset: 0, total: DEMO_CATALOG.length });
    expect(first.items).toHaveLength(5);
    expect(last.items).toHaveLength(DEMO_CATALOG.length - 10);
    const skus = [...first.items, ...second.items, ...last.items].map((p: { sku: string }) => p.sku);
    expect(new Set(skus).size).toBe(DEMO_CATALOG.length);
    const defaults = (await app.inject("/products")).json();
    expect(defaults).toMatchObject({ limit: 20, offset: 0 });
  });

  it("filters by name or description, case-insensitively", async () => {
    const byName = (await app.inject("/products?q=KETTLE")).json();
    expect(byName.items.map((p: { sku: string }) => p.sku)).toEqual(["KETTLE-GOOSE"]);
    expect(byName.total).toBe(1);
    const byDescription = (await app.inject(`/products?q=${encodeURIComponent("jasmine")}`)).json();
    expect(byDescription.items.map((p: { sku: string }) => p.sku)).toEqual(["BEANS-ETH-250"]);
  });

  it("treats SQL-looking and wildcard text in q as plain text", async () => {
    for (const q of ["' OR 1=1 --", "%", "_", "\\", "%%'; DROP TABLE products; --"]) {
      const response = await app.inject(`/products?q=${encodeURIComponent(q)}`);
      expect(response.statusCode, q).toBe(200);
      expect(response.json(), q).toMatchObject({ items: [], total: 0 });
    }
    // Punctuation is matched as written.
    const towels = (await app.inject(`/products?q=${encodeURIComponent("(2-pack)")}`)).json();
    expect(towels.total).toBe(1);
    expect((await app.inject("/products?limit=100")).json().total).toBe(DEMO_CATALOG.length);
  });

  it("refuses a search text PostgreSQL cannot store with a 400 naming q", async () => {
    for (const q of ["a%00b", "%00"]) {
      const response = await app.inject(`/products?q=${q}`);
      expect(response.statusCode, q).toBe(400);
      expect(response.json().details, q).toEqual([{ field: "querystring.q", message: expect.stringContaining("NUL") }]);
    }
  });

  it("finds a product by SKU and answers 404 for an unknown one", async () => {
    const mug = await app.inject("/products/MUG-STONE-350");
    expect(mug.statusCode).toBe(200);
    expect(mug.json()).toEqual(DEMO_CATALOG.find((p) => p.sku === "MUG-STONE-350"));
    const missing = await app.inject("/products/NOPE-404");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toBe("not_found");
    const malformed = await app.inject(`/products/${encodeURIComponent("mug'--")}`);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().details[0].field).toBe("params.sku");
  });

  it.each(["1000", "abc", "0", "-1", "1.5"])("refuses limit=%s naming querystring.limit", async (limit) => {
    const response = await app.inject(`/products?limit=${limit}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe("validation_failed");
    expect(response.json().details.map((d: { field: string }) => d.field)).toContain("querystring.limit");
  });
});
