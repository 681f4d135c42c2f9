import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, hiddenFields } from "./support/browser.js";
import { APPROVED_CARD, cardForm, type Shop, startShop } from "./support/shop.js";

const NUL = "\u0000";

/** Log lines at pino's error level (50) or above. */
const errorLines = (logs: string) => logs.split("\n").filter((line) => /"level":(5|6)\d/.test(line));

describe("text that PostgreSQL cannot store (a NUL byte) in any storefront input", () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop();
  });
  afterAll(() => shop.close());

  it("answers a search for a NUL with a 400 page naming the search field, never a 5xx", async () => {
    const browser = new Browser(shop.storefront);
    for (const url of ["/?q=%00", "/?q=a%00b", "/?q=mug&page=1%00"]) {
      const page = await browser.get(url);
      expect(page.statusCode, url).toBe(400);
      expect(page.headers["content-type"], url).toBe("text/html; charset=utf-8");
    }
    expect((await browser.get("/?q=%00")).body).toContain("querystring.q");
    expect(errorLines(shop.storefrontLogs())).toEqual([]);
  });

  it("refuses a NUL in every cart form field with a 400 naming it", async () => {
    const browser = new Browser(shop.storefront);
    const product = await browser.get("/products/MUG-STONE-350");
    const add = hiddenFields(product.body, "/cart/items");
    const refused = await browser.post("/cart/items", { ...add, quantity: `1${NUL}` });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain("body.quantity");

    expect((await browser.post("/cart/items", { ...add, quantity: "1" })).statusCode).toBe(303);
    const cart = await browser.get("/cart");
    const line = hiddenFields(cart.body, "/cart/items/MUG-STONE-350");
    const badLine = await browser.post("/cart/items/MUG-STONE-350", { ...line, quantity: `2${NUL}` });
    expect(badLine.statusCode).toBe(400);
    expect(badLine.body).toContain("body.quantity");
    expect(errorLines(shop.storefrontLogs())).toEqual([]);
  });

  it("refuses a NUL in every checkout form field with a 400 naming it, and nothing is charged", async () => {
    const browser = new Browser(shop.storefront);
    await browser.submit("/products/MUG-STONE-350", "/cart/items", { quantity: "1" });
    const fields = { ...cardForm(APPROVED_CARD), idempotencyKey: "0b7e1c1e-5d3f-4c83-9f39-6a1d3b0e2f10" };
    for (const [name, value] of Object.entries(fields)) {
      const form = await browser.get("/checkout");
      const hidden = hiddenFields(form.body, "/checkout");
      const refused = await browser.post("/checkout", { ...hidden, ...fields, [name]: `${value}${NUL}` });
      expect(refused.statusCode, name).toBe(400);
      expect(refused.body, name).toContain(`body.${name}`);
    }
    expect(await shop.countCharges()).toBe(0);
    expect(errorLines(shop.storefrontLogs())).toEqual([]);
  });
});
