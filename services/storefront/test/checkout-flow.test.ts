import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, hiddenFields } from "./support/browser.js";
import { APPROVED_CARD, cardForm, DECLINED_CARD, type Shop, startShop } from "./support/shop.js";

describe("checking out in the browser", () => {
  let shop: Shop;
  const htmlSeen: string[] = [];
  beforeAll(async () => {
    shop = await startShop();
  });
  afterAll(() => shop.close());

  /** A browser whose every response body is kept, to prove no card number ever reaches a page. */
  function watchedBrowser(): Browser {
    const browser = new Browser(shop.storefront);
    for (const method of ["get", "post"] as const) {
      const original = browser[method].bind(browser) as (...args: never[]) => ReturnType<Browser["get"]>;
      browser[method] = (async (...args: never[]) => {
        const response = await original(...args);
        htmlSeen.push(response.body);
        return response;
      }) as never;
    }
    return browser;
  }

  async function browserWithMugs(quantity: string): Promise<Browser> {
    const browser = watchedBrowser();
    const added = await browser.submit("/products/MUG-STONE-350", "/cart/items", { quantity });
    expect(added.statusCode).toBe(303);
    return browser;
  }

  it("pays with a good card: 303 to a confirmation with the order number, items and total", async () => {
    const browser = await browserWithMugs("2");
    const form = await browser.get("/checkout");
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/name="idempotencyKey" value="[0-9a-f-]{36}"/);
    expect(form.body).toContain("€29.80");

    const paid = await browser.submit("/checkout", "/checkout", cardForm(APPROVED_CARD));
    expect(paid.statusCode).toBe(303);
    const location = String(paid.headers.location);
    expect(location).toMatch(/^\/orders\/[0-9a-f-]{36}$/);

    const confirmation = await browser.get(location);
    expect(confirmation.statusCode).toBe(200);
    expect(confirmation.body).toMatch(/Order number <strong>ORD-\d+<\/strong>/);
    expect(confirmation.body).toContain("Stoneware Mug");
    expect(confirmation.body).toMatch(/id="order-total">€29\.80</);

    expect((await browser.get("/cart")).body).toContain("Your cart is empty");
    const stranger = await new Browser(shop.storefront).get(location);
    expect(stranger.statusCode).toBe(404);
    expect(stranger.body).not.toContain("ORD-");
  });

  it("charges once when the same form is submitted twice", async () => {
    const chargesBefore = await shop.countCharges();
    const browser = await browserWithMugs("1");
    const form = await browser.get("/checkout");
    const fields = {
      _csrf: /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? "",
      idempotencyKey: /name="idempotencyKey" value="([^"]+)"/.exec(form.body)?.[1] ?? "",
      ...cardForm(APPROVED_CARD),
    };
    const [first, second] = await Promise.all([browser.post("/checkout", fields), browser.post("/checkout", fields)]);
    expect(first.statusCode).toBe(303);
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await shop.countCharges()).toBe(chargesBefore + 1);
  });

  it("answers a declined card with a 303 to a 402 'payment declined' page with the reason; the cart is usable again", async () => {
    const browser = await browserWithMugs("1");
    const posted = await browser.submit("/checkout", "/checkout", cardForm(DECLINED_CARD));
    expect(posted.statusCode).toBe(303);
    const location = String(posted.headers.location);
    expect(location).toMatch(/^\/checkout\/[0-9a-f-]{36}\?declined=card_declined$/);
    const declined = await browser.get(location);
    expect(declined.statusCode).toBe(402);
    expect((await browser.get(location)).statusCode).toBe(402);
    expect((await new Browser(shop.storefront).get(location)).statusCode).toBe(404);
    expect(declined.body).toContain("Your payment was declined");
    expect(declined.body).toContain("Your bank declined the card.");
    expect(declined.body).toContain('href="/checkout"');

    const more = await browser.submit("/products/MUG-STONE-350", "/cart/items", { quantity: "1" });
    expect(more.statusCode).toBe(303);
    expect((await browser.get("/cart")).body).toMatch(/id="cart-total">€29\.80</);
    const retry = await browser.submit("/checkout", "/checkout", cardForm(APPROVED_CARD));
    expect(retry.statusCode).toBe(303);
    expect((await browser.get(String(retry.headers.location))).body).toMatch(/id="order-total">€29\.80</);
  });

  it("re-renders the checkout form with 400 naming each bad field, never echoing card number or CVC", async () => {
    const browser = await browserWithMugs("1");
    const bad = await browser.submit("/checkout", "/checkout", {
      ...cardForm("4242424242424241"),
      cvc: "98",
      expMonth: "13",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="cardNumber-error"');
    expect(bad.body).toContain("This card number is not valid");
    expect(bad.body).toContain('id="cvc-error"');
    expect(bad.body).toContain('id="expMonth-error"');
    expect(bad.body).not.toContain("4242424242424241");
    expect(bad.body).not.toMatch(/value="98"/);
    expect(bad.body).toContain('value="Ada Lovelace"');

    const unknownField = await browser.submit("/checkout", "/checkout", { ...cardForm(APPROVED_CARD), admin: "1" });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.body).toContain("body.admin");
  });

  it("answers a tampered idempotency key with a fresh form and a sentence a shopper understands", async () => {
    const browser = await browserWithMugs("1");
    const chargesBefore = await shop.countCharges();
    for (const idempotencyKey of ["short", "x".repeat(129), "not a key!"]) {
      const form = hiddenFields((await browser.get("/checkout")).body, "/checkout");
      const refused = await browser.post("/checkout", { ...form, ...cardForm(APPROVED_CARD), idempotencyKey });
      expect(refused.statusCode, idempotencyKey).toBe(400);
      expect(refused.body, idempotencyKey).toContain("This form was changed after it was sent to you");
      expect(refused.body, idempotencyKey).not.toMatch(/must be at|may contain only/);
      expect(refused.body, idempotencyKey).toMatch(/name="idempotencyKey" value="[0-9a-f-]{36}"/);
    }
    expect(await shop.countCharges()).toBe(chargesBefore);
  });

  it("sends the shopper back to the cart with 409 naming a product that ran out while the form was open", async () => {
    const browser = await browserWithMugs("3");
    const form = hiddenFields((await browser.get("/checkout")).body, "/checkout");
    await shop.apiSql("UPDATE products SET stock = 1 WHERE sku = 'MUG-STONE-350'");
    const refused = await browser.post("/checkout", { ...form, ...cardForm(APPROVED_CARD) });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain("Your cart");
    expect(refused.body).toContain("“Stoneware Mug” is no longer available");
    expect(refused.body).toMatch(/id="stock-MUG-STONE-350">Only 1 left in stock\./);
    expect((await browser.get("/checkout")).headers.location).toBe("/cart");
    await shop.apiSql("UPDATE products SET stock = 100 WHERE sku = 'MUG-STONE-350'");
  });

  it("never puts a card number or CVC into a page or a log line", async () => {
    const logs = shop.storefrontLogs();
    expect(logs).toContain("request completed");
    for (const card of [APPROVED_CARD, DECLINED_CARD, "4242424242424241"]) {
      expect(logs).not.toContain(card);
      for (const body of htmlSeen) expect(body).not.toContain(card);
    }
    expect(htmlSeen.length).toBeGreaterThan(20);
  });
});
