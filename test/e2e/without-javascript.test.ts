import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, type ShopperBrowser } from "./support/browser.js";
import { createJournal } from "./support/journal.js";
import { type E2eShop, e2eShop } from "./support/shop.js";
import { orderOf, stockOf } from "./support/shop-http.js";
import { CARDS, fillCard, orderIdIn } from "./support/shopper.js";

describe("in Chromium with JavaScript turned off", () => {
  let shop: E2eShop;
  let browser: ShopperBrowser;
  beforeAll(async () => {
    shop = await e2eShop();
    browser = await openBrowser({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.stop();
  });

  it("a shopper goes from the product list to a paid order with plain links and forms", async () => {
    const journal = await createJournal("without-javascript");
    const { page } = browser;
    const sku = "TEA-SENCHA-100";
    const stockBefore = await stockOf(shop.urls.api, sku);

    await journal.step(page, "home page", () => page.goto(shop.urls.storefront));
    await journal.step(page, "product page", async () => {
      await Promise.all([
        page.waitForURL(`**/products/${sku}`),
        page.getByRole("link", { name: "Organic Sencha Tea" }).click(),
      ]);
    });
    await journal.step(page, "three in the cart", async () => {
      await page.getByLabel("Quantity").fill("3");
      await Promise.all([page.waitForURL(/\/cart$/), page.getByRole("button", { name: "Add to cart" }).click()]);
      expect(await page.locator("#cart-total").textContent()).toBe("€29.70");
    });
    await journal.step(page, "checkout form filled", async () => {
      await Promise.all([page.waitForURL(/\/checkout$/), page.getByRole("link", { name: "Checkout" }).click()]);
      await fillCard(page, CARDS.approved);
    });
    await journal.step(page, "paid: confirmation", async () => {
      await Promise.all([page.waitForURL(/\/orders\//), page.getByRole("button", { name: "Pay €29.70" }).click()]);
      await page.locator(".order-number strong").waitFor();
    });

    const order = await orderOf(shop.urls.api, orderIdIn(page.url()));
    expect(order).toMatchObject({ status: "paid", totalMinor: 2970 });
    expect(await page.locator(".order-number strong").textContent()).toBe(order.number);
    expect(await stockOf(shop.urls.api, sku)).toBe(stockBefore - 3);
    expect(browser.failedAnswers).toEqual([]);
  });
});
