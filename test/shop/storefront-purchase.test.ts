import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpBrowser } from "./support/browser.js";
import { CARDS, startTestShop, stockOf, type TestShop } from "./support/shop.js";

describe("a shopper buys through the storefront, every service a real process on loopback", () => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startTestShop();
  });
  afterAll(() => shop?.stop());

  const cardFields = (cardNumber: string) => ({
    cardNumber,
    expMonth: "12",
    expYear: String(new Date().getFullYear() + 2),
    cvc: "737",
    holder: "Ada Lovelace",
  });

  it("from the product list to a paid order with its number, stock reduced by what was bought", async () => {
    const browser = new HttpBrowser(shop.urls.storefront);
    const home = await browser.get("/");
    expect(home.status).toBe(200);
    const sku = /href="\/products\/([A-Z0-9-]+)"/.exec(home.body)?.[1];
    expect(sku).toBeDefined();
    const before = await stockOf(shop, sku as string);

    const added = await browser.submit(`/products/${sku}`, "/cart/items", { quantity: "2" });
    expect(added.status).toBe(303);
    const cart = await browser.get("/cart");
    expect(cart.body).toContain(`/products/${sku}`);

    const paid = await browser.submit("/checkout", "/checkout", cardFields(CARDS.approved));
    expect(paid.status).toBe(303);
    expect(paid.location).toMatch(/^\/orders\/[0-9a-f-]{36}$/);
    const confirmation = await browser.get(paid.location as string);
    expect(confirmation.status).toBe(200);
    expect(confirmation.body).toMatch(/ORD-\d{6,}/);
    expect(await stockOf(shop, sku as string)).toBe(before - 2);

    const stranger = new HttpBrowser(shop.urls.storefront);
    expect((await stranger.get(paid.location as string)).status).toBe(404);
  });

  it("a declined card shows the declined page and gives the stock back", async () => {
    const browser = new HttpBrowser(shop.urls.storefront);
    const sku = /href="\/products\/([A-Z0-9-]+)"/.exec((await browser.get("/")).body)?.[1] as string;
    const before = await stockOf(shop, sku);
    await browser.submit(`/products/${sku}`, "/cart/items", { quantity: "1" });
    const posted = await browser.submit("/checkout", "/checkout", cardFields(CARDS.declined));
    expect(posted.status).toBe(303);
    const declined = await browser.get(posted.location as string);
    expect(declined.status).toBe(402);
    expect(declined.body).toContain("declined");
    expect(declined.body).not.toContain(CARDS.declined);
    expect(await stockOf(shop, sku)).toBe(before);
  });
});
