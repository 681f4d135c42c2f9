import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser } from "./support/browser.js";
import { cardForm, type Shop, startShop } from "./support/shop.js";

const SLOW_CARD = "4000000000000259";

describe("a payment the provider confirms late", () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop({
      sandboxSlowMs: 800,
      checkoutEnv: { PAYMENT_TIMEOUT_MS: "200", RECONCILE_INTERVAL_MS: "150" },
    });
  });
  afterAll(() => shop.close());

  it("redirects to a 'being confirmed' page whose refresh link leads to the confirmation once paid", async () => {
    const browser = new Browser(shop.storefront);
    await browser.submit("/products/BEANS-ETH-250", "/cart/items", { quantity: "1" });
    const posted = await browser.submit("/checkout", "/checkout", cardForm(SLOW_CARD));
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toMatch(/^\/checkout\/[0-9a-f-]{36}$/);
    const pending = await browser.get(String(posted.headers.location));
    expect(pending.statusCode).toBe(200);
    expect(pending.body).toContain("We are confirming your payment");
    const link = /href="(\/checkout\/[0-9a-f-]{36})"/.exec(pending.body)?.[1];
    expect(link).toBeDefined();

    const stranger = await new Browser(shop.storefront).get(String(link));
    expect(stranger.statusCode).toBe(404);

    let refreshed = await browser.get(String(link));
    for (let attempt = 0; refreshed.statusCode === 200 && attempt < 40; attempt++) {
      expect(refreshed.body).toContain("We are confirming your payment");
      await sleep(100);
      refreshed = await browser.get(String(link));
    }
    expect(refreshed.statusCode).toBe(303);
    const confirmation = await browser.get(String(refreshed.headers.location));
    expect(confirmation.statusCode).toBe(200);
    expect(confirmation.body).toMatch(/ORD-\d+/);
    expect(await shop.countCharges()).toBe(1);
  });
});
