import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, hiddenFields } from "./support/browser.js";
import { type Shop, startShop } from "./support/shop.js";

describe("browsing the catalog and filling a cart", () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop();
  });
  afterAll(() => shop.close());

  it("lists products with prices, finds them by search and pages through them", async () => {
    const browser = new Browser(shop.storefront);
    const home = await browser.get("/");
    expect(home.statusCode).toBe(200);
    expect(home.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(home.body).toContain("Stoneware Mug");
    expect(home.body).toContain("€14.90");
    expect(home.body).toContain('href="/products/MUG-STONE-350"');

    const search = await browser.get("/?q=french");
    expect(search.body).toContain("French Press 1 L");
    expect(search.body).not.toContain("Stoneware Mug");
    expect(search.body).toMatch(/1 product</);

    await shop.apiSql(
      "INSERT INTO products (sku, name, description, price_minor, currency, stock) SELECT 'PAGE-' || n, 'Paging item ' || n, 'filler', 100, 'EUR', 5 FROM generate_series(1, 13) n",
    );
    const first = await browser.get("/?q=paging");
    expect(first.body).toContain("Page 1 of 2");
    expect(first.body).toContain('href="/?q=paging&amp;page=2"');
    expect((first.body.match(/class="card"/g) ?? []).length).toBe(12);
    const second = await browser.get("/?q=paging&page=2");
    expect(second.body).toContain("Page 2 of 2");
    expect((second.body.match(/class="card"/g) ?? []).length).toBe(1);
    expect(second.body).toContain('href="/?q=paging"');
  });

  it("sends a page past the end to the last page of the same search", async () => {
    const browser = new Browser(shop.storefront);
    const all = await browser.get("/?page=99");
    expect(all.statusCode).toBe(303);
    const last = await browser.get(String(all.headers.location));
    expect(last.statusCode).toBe(200);
    expect(last.body).toMatch(/Page (\d+) of \1</);
    expect(last.body).toContain('class="card"');

    const paging = await browser.get("/?q=paging&page=7");
    expect(paging.statusCode).toBe(303);
    expect(paging.headers.location).toBe("/?q=paging&page=2");
    const nothing = await browser.get("/?q=no-such-product&page=3");
    expect(nothing.statusCode).toBe(303);
    expect(nothing.headers.location).toBe("/?q=no-such-product");
    const empty = await browser.get("/?q=no-such-product");
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain("No products match your search.");
    expect(empty.body).toContain("Page 1 of 1");
  });

  it("escapes a search text and a product name that look like script", async () => {
    const browser = new Browser(shop.storefront);
    const attack = `<script>alert("q")</script>`;
    const search = await browser.get(`/?q=${encodeURIComponent(attack)}`);
    expect(search.statusCode).toBe(200);
    expect(search.body).not.toContain("<script>");
    expect(search.body).toContain("&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt;");

    await shop.apiSql(
      "INSERT INTO products (sku, name, description, price_minor, currency, stock) VALUES ('XSS-1', $1, $2, 500, 'EUR', 3)",
      [`<script>alert(1)</script>Mug`, `<img src=x onerror=alert(2)>`],
    );
    for (const url of ["/?q=mug", "/products/XSS-1"]) {
      const page = await browser.get(url);
      expect(page.body, url).not.toContain("<script>");
      expect(page.body, url).not.toContain("<img src=x");
      expect(page.body, url).toContain("&lt;script&gt;alert(1)&lt;/script&gt;Mug");
    }
  });

  it("adds to the cart, shows lines with the server's total, updates and removes lines", async () => {
    const browser = new Browser(shop.storefront);
    const added = await browser.submit("/products/MUG-STONE-350", "/cart/items", { quantity: "2" });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe("/cart");
    await browser.submit("/products/FRENCH-PRESS-1L", "/cart/items", { quantity: "1" });

    const cart = await browser.get("/cart");
    expect(cart.statusCode).toBe(200);
    expect(cart.body).toContain("Stoneware Mug");
    expect(cart.body).toContain("€29.80");
    expect(cart.body).toMatch(/id="cart-total">€64\.70</);

    const updated = await browser.submit("/cart", "/cart/items/MUG-STONE-350", { quantity: "3" });
    expect(updated.statusCode).toBe(303);
    expect((await browser.get("/cart")).body).toMatch(/id="cart-total">€79\.60</);

    const removed = await browser.submit("/cart", "/cart/items/FRENCH-PRESS-1L/remove", {});
    expect(removed.statusCode).toBe(303);
    const after = await browser.get("/cart");
    expect(after.body).not.toContain("French Press");
    expect(after.body).toMatch(/id="cart-total">€44\.70</);

    const stranger = await new Browser(shop.storefront).get("/cart");
    expect(stranger.body).toContain("Your cart is empty");
  });

  it("re-renders a form with 400 and a message next to the field for a bad quantity", async () => {
    const browser = new Browser(shop.storefront);
    const bad = await browser.submit("/products/MUG-STONE-350", "/cart/items", { quantity: "0" });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="quantity-error"');
    expect(bad.body).toContain("Quantity must be at least 1");
    expect(bad.body).toContain('aria-invalid="true"');

    await browser.submit("/products/MUG-STONE-350", "/cart/items", { quantity: "1" });
    const badLine = await browser.submit("/cart", "/cart/items/MUG-STONE-350", { quantity: "many" });
    expect(badLine.statusCode).toBe(400);
    expect(badLine.body).toContain('id="quantity-MUG-STONE-350-error"');
    expect(badLine.body).toContain("Enter a whole number from 1 to 99");
  });

  it("keeps a refused quantity in its box next to the message", async () => {
    const browser = new Browser(shop.storefront);
    await browser.submit("/products/MUG-STONE-350", "/cart/items", { quantity: "2" });
    for (const quantity of ["0", "100"]) {
      const refused = await browser.submit("/cart", "/cart/items/MUG-STONE-350", { quantity });
      expect(refused.statusCode, quantity).toBe(400);
      expect(refused.body, quantity).toContain(`id="quantity-MUG-STONE-350" name="quantity"`);
      expect(refused.body, quantity).toMatch(new RegExp(`id="quantity-MUG-STONE-350"[^>]* value="${quantity}"`));
    }
    await shop.apiSql("UPDATE products SET stock = 3 WHERE sku = 'KETTLE-GOOSE'");
    await browser.submit("/products/KETTLE-GOOSE", "/cart/items", { quantity: "1" });
    const tooMany = await browser.submit("/cart", "/cart/items/KETTLE-GOOSE", { quantity: "5" });
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.body).toMatch(/id="quantity-KETTLE-GOOSE"[^>]* value="5"/);
    expect(tooMany.body).toContain("only 3 of");
    expect((await browser.get("/cart")).body).toMatch(/id="quantity-MUG-STONE-350"[^>]* value="2"/);
  });

  it("flags a cart line that sold out or has less stock than its quantity, and holds back checkout", async () => {
    await shop.apiSql(
      "INSERT INTO products (sku, name, description, price_minor, currency, stock) VALUES ('SHORT-1', 'Last Teapot', 'rare', 900, 'EUR', 5), ('SHORT-2', 'Rare Cup', 'rare', 400, 'EUR', 5)",
    );
    const browser = new Browser(shop.storefront);
    await browser.submit("/products/SHORT-1", "/cart/items", { quantity: "2" });
    await browser.submit("/products/SHORT-2", "/cart/items", { quantity: "3" });
    const fine = await browser.get("/cart");
    expect(fine.body).not.toContain('class="line-warning"');
    expect(fine.body).toContain('href="/checkout"');

    await shop.apiSql("UPDATE products SET stock = 0 WHERE sku = 'SHORT-1'");
    await shop.apiSql("UPDATE products SET stock = 1 WHERE sku = 'SHORT-2'");
    const flagged = await browser.get("/cart");
    expect(flagged.statusCode).toBe(200);
    expect(flagged.body).toMatch(/id="stock-SHORT-1">Sold out\./);
    expect(flagged.body).toMatch(/id="stock-SHORT-2">Only 1 left in stock\./);
    expect(flagged.body).not.toContain('href="/checkout"');
    const checkout = await browser.get("/checkout");
    expect(checkout.statusCode).toBe(303);
    expect(checkout.headers.location).toBe("/cart");

    await browser.submit("/cart", "/cart/items/SHORT-1/remove", {});
    await browser.submit("/cart", "/cart/items/SHORT-2", { quantity: "1" });
    const fixed = await browser.get("/cart");
    expect(fixed.body).not.toContain('class="line-warning"');
    expect((await browser.get("/checkout")).statusCode).toBe(200);
  });

  it("refuses more than is in stock with 409 naming the product", async () => {
    const browser = new Browser(shop.storefront);
    await shop.apiSql("UPDATE products SET stock = 2 WHERE sku = 'GRINDER-BURR'");
    const refused = await browser.submit("/products/GRINDER-BURR", "/cart/items", { quantity: "5" });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toMatch(/in stock/);
  });

  it("refuses a POST without or with a wrong CSRF token with a 403 page", async () => {
    const browser = new Browser(shop.storefront);
    const page = await browser.get("/products/MUG-STONE-350");
    const fields = hiddenFields(page.body, "/cart/items");
    const missing = await browser.post("/cart/items", { sku: "MUG-STONE-350", quantity: "1" });
    expect(missing.statusCode).toBe(403);
    expect(missing.headers["content-type"]).toContain("text/html");
    expect(missing.body).toContain("This form has expired");
    const wrong = await browser.post("/cart/items", { ...fields, _csrf: "forged-token", quantity: "1" });
    expect(wrong.statusCode).toBe(403);
    const stolen = await new Browser(shop.storefront).post("/cart/items", { ...fields, quantity: "1" });
    expect(stolen.statusCode).toBe(403);
    expect((await browser.get("/cart")).body).toContain("Your cart is empty");
  });

  it("sets strict security headers and httpOnly, SameSite=Lax, signed cookies", async () => {
    const browser = new Browser(shop.storefront);
    const page = await browser.get("/products/MUG-STONE-350");
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
    expect(page.headers["x-frame-options"]).toBe("DENY");
    expect(page.headers["referrer-policy"]).toBe("same-origin");
    expect(page.body).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);

    const added = await browser.submit("/products/MUG-STONE-350", "/cart/items", { quantity: "1" });
    const setCookies = ([] as string[]).concat(added.headers["set-cookie"] ?? []);
    const session = setCookies.find((cookie) => cookie.startsWith("shop_session="));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).not.toMatch(/Secure/);
    expect(browser.cookieNames().sort()).toEqual(["shop_csrf", "shop_session"]);
  });

  it("serves the stylesheet and the icon, counts page views and reports readiness of api and checkout", async () => {
    const css = await shop.storefront.inject("/static/site.css");
    expect(css.statusCode).toBe(200);
    expect(css.headers["content-type"]).toContain("text/css");
    const icon = /<link rel="icon" href="([^"]+)"/.exec((await shop.storefront.inject("/")).body)?.[1];
    for (const url of [String(icon), "/favicon.ico"]) {
      const answer = await shop.storefront.inject(url);
      expect(answer.statusCode, url).toBe(200);
      expect(answer.headers["content-type"], url).toBe("image/svg+xml");
      expect(answer.body, url).toContain("<svg");
    }
    const missing = await shop.storefront.inject("/no/such/page");
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain("This page could not be found");

    const metrics = (await shop.storefront.inject("/metrics")).body;
    expect(metrics).toMatch(/storefront_page_views_total\{page="home",service="storefront"\} [1-9]/);
    expect(metrics).toMatch(/storefront_page_views_total\{page="not_found",service="storefront"\} [1-9]/);
    const ready = await shop.storefront.inject("/readyz");
    expect(ready.json()).toEqual({ status: "ready", checks: { api: "ok", checkout: "ok" } });
  });
});
