import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, type ShopperBrowser } from "./support/browser.js";
import { createJournal } from "./support/journal.js";
import { type E2eShop, e2eShop } from "./support/shop.js";
import { chargesAnswered, stockOf } from "./support/shop-http.js";
import { addToCart, CARDS, fillCard } from "./support/shopper.js";

describe("in Chromium, a declined card and a sold-out item leave stock and money where they were", () => {
  let shop: E2eShop;
  const browsers: ShopperBrowser[] = [];
  const shopper = async () => {
    const browser = await openBrowser();
    browsers.push(browser);
    return browser;
  };
  beforeAll(async () => {
    shop = await e2eShop();
  });
  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await shop?.stop();
  });

  it("a declined card shows why, survives Reload and Back without paying again, and keeps the cart and the stock", async () => {
    const journal = await createJournal("declined-card");
    const browser = await shopper();
    const { page } = browser;
    const sku = "GRINDER-BURR";
    const stockBefore = await stockOf(shop.urls.api, sku);
    const chargesBefore = await chargesAnswered(shop.urls.payments);

    await journal.step(page, "cart with a grinder", () => addToCart(page, shop.urls.storefront, sku, 1));
    const declinedKey = await journal.step(page, "checkout form with the declined card", async () => {
      await page.goto(`${shop.urls.storefront}/checkout`);
      await fillCard(page, CARDS.declined);
      return page.locator('input[name="idempotencyKey"]').inputValue();
    });
    await journal.step(page, "declined page says why", async () => {
      await Promise.all([
        page.waitForURL(/\/checkout\/[0-9a-f-]{36}\?declined=card_declined$/),
        page.getByRole("button", { name: /^Pay / }).click(),
      ]);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Your payment was declined");
      await page.getByText("Your bank declined the card.").waitFor();
    });
    await journal.step(page, "reloaded declined page", async () => {
      await page.reload();
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Your payment was declined");
    });
    await journal.step(page, "Back leads to the checkout form, not a resubmission", async () => {
      await page.goBack();
      expect(new URL(page.url()).pathname).toBe("/checkout");
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Checkout");
      // A new form (Chromium may refill what the shopper typed): paying from it is a new attempt, not a replay.
      const key = await page.locator('input[name="idempotencyKey"]').inputValue();
      expect(key).toMatch(/^[0-9a-f-]{36}$/);
      expect(key).not.toBe(declinedKey);
    });
    await journal.step(page, "the cart still holds the grinder", async () => {
      await Promise.all([page.waitForURL(/\/cart$/), page.getByRole("link", { name: "Back to cart" }).click()]);
      expect(await page.getByLabel("Quantity of Manual Burr Grinder").inputValue()).toBe("1");
    });

    expect(await stockOf(shop.urls.api, sku)).toBe(stockBefore);
    const charges = await chargesAnswered(shop.urls.payments);
    expect(charges).toEqual({ approved: chargesBefore.approved, declined: chargesBefore.declined + 1 });
    expect(browser.failedAnswers.filter((answer) => !answer.startsWith("402 GET "))).toEqual([]);
  });

  it("the last unit, bought by another shopper while the form was open, cannot be bought", async () => {
    const journal = await createJournal("sold-out");
    const sku = "CANDLE-FIG-200";
    await shop.setStock(sku, 1);
    const chargesBefore = await chargesAnswered(shop.urls.payments);
    const [late, quick] = [await shopper(), await shopper()];

    await journal.step(late.page, "late shopper: cart with the last candle", () =>
      addToCart(late.page, shop.urls.storefront, sku, 1),
    );
    await journal.step(late.page, "late shopper: checkout form open", async () => {
      await late.page.goto(`${shop.urls.storefront}/checkout`);
      await fillCard(late.page, CARDS.approved);
    });
    await journal.step(quick.page, "quick shopper: buys the last candle", async () => {
      await addToCart(quick.page, shop.urls.storefront, sku, 1);
      await quick.page.goto(`${shop.urls.storefront}/checkout`);
      await fillCard(quick.page, CARDS.approved);
      await Promise.all([
        quick.page.waitForURL(/\/orders\//),
        quick.page.getByRole("button", { name: /^Pay / }).click(),
      ]);
      await quick.page.locator(".order-number strong").waitFor();
    });
    expect(await stockOf(shop.urls.api, sku)).toBe(0);

    await journal.step(late.page, "late shopper: Pay is refused, the cart flags the candle", async () => {
      await Promise.all([
        late.page.waitForURL(/\/checkout$/),
        late.page.getByRole("button", { name: /^Pay / }).click(),
      ]);
      await late.page.getByText("“Fig Leaf Candle” is no longer available").waitFor();
      await late.page.getByText("Sold out. Remove it to check out.").waitFor();
      expect(await late.page.getByRole("link", { name: "Checkout" }).count()).toBe(0);
    });
    await journal.step(late.page, "late shopper: the checkout page sends back to the cart", async () => {
      await late.page.goto(`${shop.urls.storefront}/checkout`);
      expect(new URL(late.page.url()).pathname).toBe("/cart");
    });
    await journal.step(late.page, "late shopper: the product page says out of stock", async () => {
      await late.page.goto(`${shop.urls.storefront}/products/${sku}`);
      await late.page.getByText("Out of stock").waitFor();
      expect(await late.page.getByRole("button", { name: "Add to cart" }).isDisabled()).toBe(true);
    });

    expect(await stockOf(shop.urls.api, sku)).toBe(0);
    expect((await chargesAnswered(shop.urls.payments)).approved).toBe(chargesBefore.approved + 1);
    expect(late.failedAnswers.filter((answer) => !answer.startsWith("409 POST "))).toEqual([]);
    expect(quick.failedAnswers).toEqual([]);
  });
});
