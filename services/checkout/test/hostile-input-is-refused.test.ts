import { captureLogs } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Shop, startShop } from "./support/shop.js";
import {
  APPROVED_CARD,
  card,
  cartWith,
  DECLINED_CARD,
  newKey,
  postCheckout,
  productInStock,
} from "./support/shopping.js";

describe("hostile input to POST /checkout", () => {
  const logs = captureLogs();
  let shop: Shop;
  let cartId: string;
  beforeAll(async () => {
    shop = await startShop({ checkoutLogs: logs.stream });
    cartId = await cartWith(shop.api, (await productInStock(shop.api, 2)).sku, 1);
  });
  afterAll(() => shop.close());

  const send = (payload: unknown, headers: Record<string, string> = { "idempotency-key": newKey() }) =>
    shop.checkout.inject({ method: "POST", url: "/checkout", headers, payload: payload as object });
  const fields = (response: { json(): { details?: { field: string }[] } }) =>
    (response.json().details ?? []).map((d) => d.field);

  it.each([
    ["a cartId that is not a uuid", { cartId: "../../etc/passwd", card: card() }, "body.cartId"],
    ["a missing card", { card: undefined }, "body.card"],
    ["a card number failing Luhn", { card: { ...card(), number: "4242424242424241" } }, "body.card.number"],
    ["a card number with letters", { card: { ...card(), number: "4242abcd42424242" } }, "body.card.number"],
    ["a month of 13", { card: { ...card(), expMonth: 13 } }, "body.card.expMonth"],
    ["an expired card", { card: { ...card(), expYear: 2001 } }, "body.card.expYear"],
    ["a cvc of letters", { card: { ...card(), cvc: "abc" } }, "body.card.cvc"],
    ["an unknown card field", { card: { ...card(), pin: "1234" } }, "body.card.pin"],
    ["an unknown body field", { amountMinor: 1 }, "body.amountMinor"],
  ])("answers 400 naming the field for %s", async (_what, change, field) => {
    const response = await send({ cartId, card: card(), ...change });
    expect(response.statusCode).toBe(400);
    expect(fields(response)).toContain(field);
  });

  it("answers 400 naming the header for a missing or malformed Idempotency-Key", async () => {
    const missing = await send({ cartId, card: card() }, {});
    expect(missing.statusCode).toBe(400);
    expect(fields(missing)).toContain("headers.idempotency-key");
    for (const key of ["short", "has spaces in it", "x".repeat(200), "semi;colon;key"]) {
      const bad = await send({ cartId, card: card() }, { "idempotency-key": key });
      expect(bad.statusCode).toBe(400);
      expect(fields(bad)).toContain("headers.idempotency-key");
    }
  });

  it("never answers 5xx to malformed bodies", async () => {
    const bodies = ["null", "[]", '"text"', "{", '{"cartId":{"$ne":1}}', JSON.stringify({ cartId, card: [] })];
    for (const body of bodies) {
      const response = await shop.checkout.inject({
        method: "POST",
        url: "/checkout",
        headers: { "idempotency-key": newKey(), "content-type": "application/json" },
        payload: body,
      });
      expect(response.statusCode, body).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, body).toBeLessThan(500);
    }
    const unknownCart = await postCheckout(shop.checkout, newKey(), "00000000-0000-4000-8000-000000000000");
    expect(unknownCart.statusCode).toBe(404);
    const badId = await shop.checkout.inject({ method: "GET", url: "/checkout/not-a-uuid" });
    expect(badId.statusCode).toBe(400);
    expect(fields(badId)).toContain("params.id");
  });

  it("keeps card numbers and cvcs out of the logs and of the database", async () => {
    await postCheckout(shop.checkout, newKey(), cartId, DECLINED_CARD);
    await postCheckout(shop.checkout, newKey(), cartId, APPROVED_CARD);
    await send({ cartId, card: { ...card(), number: "4242424242424241", cvc: "9876" } });
    const text = logs.text();
    expect(text).toContain("request completed");
    const stored = await shop.checkoutRows();
    expect(stored).toContain(cartId);
    for (const secret of [APPROVED_CARD, DECLINED_CARD, "4242424242424241"]) {
      expect(text).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
    // Four bare digits turn up by chance in ids and timings; a leaked CVC would be a quoted JSON value.
    expect(text).not.toContain('"9876"');
    expect(stored).not.toContain('"9876"');
  });
});
