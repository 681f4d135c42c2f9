import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Shop, startShop } from "./support/shop.js";
import {
  cartWith,
  DECLINED_CARD,
  newKey,
  orderOf,
  paymentOf,
  postCheckout,
  productInStock,
  stockOf,
} from "./support/shopping.js";

describe("a checkout the shop or the bank refuses", () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop();
  });
  afterAll(() => shop.close());

  it("answers 402 for a declined card, fails the order and puts the stock back", async () => {
    const product = await productInStock(shop.api, 2);
    const cartId = await cartWith(shop.api, product.sku, 2);
    const key = newKey();

    const response = await postCheckout(shop.checkout, key, cartId, DECLINED_CARD);
    expect(response.statusCode).toBe(402);
    const body = response.json();
    expect(body.error).toBe("payment_declined");
    expect(body.details).toMatchObject({ declineCode: "card_declined", order: { status: "payment_failed", cartId } });
    const checkoutId = body.details.checkoutId;
    expect(await stockOf(shop.api, product.sku)).toBe(product.stock);
    expect(await orderOf(shop.api, body.details.order.id)).toMatchObject({ status: "payment_failed" });
    expect(await paymentOf(shop.payments, checkoutId)).toMatchObject({ status: "declined" });

    const replay = await postCheckout(shop.checkout, key, cartId, DECLINED_CARD);
    expect(replay.statusCode).toBe(402);
    expect(replay.json()).toEqual(body);
    const view = await shop.checkout.inject({ method: "GET", url: `/checkout/${checkoutId}` });
    expect(view.json()).toMatchObject({ checkoutId, status: "payment_failed" });
  });

  it("passes api's out_of_stock on as it is, without charging, and replays it", async () => {
    const product = await productInStock(shop.api, 3, 100);
    const cartId = await cartWith(shop.api, product.sku, 2);
    const rival = await cartWith(shop.api, product.sku, 1);
    const stock = await stockOf(shop.api, product.sku);
    // Another shopper takes all but one before this cart checks out.
    const drain = await cartWith(shop.api, product.sku, stock - 1);
    expect((await postCheckout(shop.checkout, newKey(), drain)).statusCode).toBe(201);
    const remaining = await stockOf(shop.api, product.sku);
    expect(remaining).toBe(1);
    const chargesBefore = await shop.countCharges();

    const key = newKey();
    const refused = await postCheckout(shop.checkout, key, cartId);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      error: "out_of_stock",
      details: { sku: product.sku, requested: 2, available: 1 },
    });
    expect(await shop.countCharges()).toBe(chargesBefore);
    expect((await postCheckout(shop.checkout, key, cartId)).json()).toEqual(refused.json());
    expect((await postCheckout(shop.checkout, newKey(), rival)).statusCode).toBe(201);
  });
});
