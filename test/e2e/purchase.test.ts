import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_SERVICE_ENV } from "../../src/plan/e2e.js";
import { openBrowser, type ShopperBrowser } from "./support/browser.js";
import { createJournal } from "./support/journal.js";
import { type E2eShop, e2eShop } from "./support/shop.js";
import { chargesAnswered, orderOf, ordersOfCheckout, paymentOf, stockOf } from "./support/shop-http.js";
import { addToCart, CARDS, fillCard, orderIdIn } from "./support/shopper.js";

describe("a shopper buys in Chromium, every service a real process", () => {
  let shop: E2eShop;
  let browser: ShopperBrowser;
  beforeAll(async () => {
    shop = await e2eShop(E2E_SERVICE_ENV);
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.stop();
  });

  it("browses, searches, opens a product, fills the cart, pays and sees the order api reports paid", async () => {
    const journal = await createJournal("purchase");
    const { page } = browser;
    const sku = "FRENCH-PRESS-1L";
    const stockBefore = await stockOf(shop.urls.api, sku);
    const chargesBefore = await chargesAnswered(shop.urls.payments);

    await journal.step(page, "home page lists products", async () => {
      await page.goto(shop.urls.storefront);
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("All products");
      expect(await page.locator("li.card").count()).toBeGreaterThan(1);
    });
    await journal.step(page, "search finds the french press", async () => {
      await page.getByLabel("Search products").fill("french");
      await Promise.all([page.waitForURL(/\?q=french$/), page.getByRole("button", { name: "Search" }).click()]);
      expect(await page.locator("li.card").allTextContents()).toEqual([expect.stringContaining("French Press 1 L")]);
    });
    await journal.step(page, "product page", async () => {
      await Promise.all([
        page.waitForURL(`**/products/${sku}`),
        page.getByRole("link", { name: "French Press 1 L" }).click(),
      ]);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("French Press 1 L");
    });
    await journal.step(page, "added to the cart", async () => {
      await page.getByLabel("Quantity").fill("1");
      await Promise.all([page.waitForURL(/\/cart$/), page.getByRole("button", { name: "Add to cart" }).click()]);
      expect(await page.locator("#cart-total").textContent()).toBe("€34.90");
    });
    await journal.step(page, "quantity changed to two", async () => {
      await page.getByLabel("Quantity of French Press 1 L").fill("2");
      await Promise.all([page.waitForURL(/\/cart$/), page.getByRole("button", { name: "Update" }).click()]);
      expect(await page.locator("#cart-total").textContent()).toBe("€69.80");
    });
    await journal.step(page, "checkout form filled", async () => {
      await Promise.all([page.waitForURL(/\/checkout$/), page.getByRole("link", { name: "Checkout" }).click()]);
      expect(await page.locator("#checkout-total").textContent()).toBe("€69.80");
      await fillCard(page, CARDS.approved);
    });
    const orderNumber = await journal.step(page, "paid: confirmation with the order number", async () => {
      await Promise.all([page.waitForURL(/\/orders\//), page.getByRole("button", { name: "Pay €69.80" }).click()]);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Thank you for your order");
      return page.locator(".order-number strong").textContent();
    });
    expect(orderNumber).toMatch(/^ORD-\d{6,}$/);

    const order = await orderOf(shop.urls.api, orderIdIn(page.url()));
    expect(order).toMatchObject({ number: orderNumber, status: "paid", totalMinor: 6980 });
    expect(order.items).toEqual([expect.objectContaining({ sku, quantity: 2 })]);
    expect(await stockOf(shop.urls.api, sku)).toBe(stockBefore - 2);
    expect((await chargesAnswered(shop.urls.payments)).approved).toBe(chargesBefore.approved + 1);

    await journal.step(page, "cart is empty after the order", async () => {
      await page.getByRole("link", { name: "Cart", exact: true }).click();
      await page.getByText("Your cart is empty.").waitFor();
    });
    expect(browser.failedAnswers).toEqual([]);
  });

  it("a shared link with a NUL in the search gets a 400 page naming the field, not an outage", async () => {
    const journal = await createJournal("nul-in-search");
    const { page } = browser;
    await journal.step(page, "search link with a NUL", async () => {
      const answer = await page.goto(`${shop.urls.storefront}/?q=mug%00`);
      expect(answer?.status()).toBe(400);
      await page.getByText("querystring.q: must not contain a NUL character").waitFor();
    });
    expect(await shop.serverErrors()).toEqual([]);
  });

  it("charges once when Pay is double-clicked", async () => {
    const journal = await createJournal("double-click-pay");
    const { page } = browser;
    const sku = "MUG-STONE-350";
    const stockBefore = await stockOf(shop.urls.api, sku);
    const chargesBefore = await chargesAnswered(shop.urls.payments);
    const posts: string[] = [];
    const countPosts = (request: { method(): string; url(): string }) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === "/checkout") posts.push(request.url());
    };

    await journal.step(page, "cart with one mug", () => addToCart(page, shop.urls.storefront, sku, 1));
    await journal.step(page, "checkout form filled", async () => {
      await page.goto(`${shop.urls.storefront}/checkout`);
      await fillCard(page, CARDS.slowApproved);
    });
    await journal.step(page, "clicked Pay twice: one confirmation", async () => {
      // Chromium folds two clicks in one task into one submit; an impatient shopper clicks again once it is sent.
      page.on("request", countPosts);
      // Raw mouse clicks: Playwright's own click would wait for the first submit's navigation to finish.
      const box = await page.getByRole("button", { name: /^Pay / }).boundingBox();
      if (!box) throw new Error("the Pay button is not on screen");
      const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
      const sent = page.waitForRequest((request) => request.method() === "POST");
      await page.mouse.click(x, y);
      await sent;
      await page.mouse.click(x, y);
      // The second submit aborts the first navigation; the confirmation is what the second one leads to.
      await page.locator(".order-number strong").waitFor();
      page.off("request", countPosts);
    });
    expect(posts).toHaveLength(2);

    const order = await orderOf(shop.urls.api, orderIdIn(page.url()));
    expect(order.status).toBe("paid");
    expect(await ordersOfCheckout(shop.urls.api, order.checkoutId)).toHaveLength(1);
    const payment = await paymentOf(shop.urls.payments, String(order.paymentId));
    expect(payment).toMatchObject({ status: "approved", amountMinor: order.totalMinor });
    expect((await chargesAnswered(shop.urls.payments)).approved).toBe(chargesBefore.approved + 1);
    expect(await stockOf(shop.urls.api, sku)).toBe(stockBefore - 1);
  });
});
