import { randomUUID } from "node:crypto";
import type { ServiceApp } from "@shop/service-kit";

export const APPROVED_CARD = "4242424242424242";
export const DECLINED_CARD = "4000000000000002";
export const SLOW_CARD = "4000000000000259";

/** A card that has not expired, with the given number. */
export function card(number = APPROVED_CARD) {
  return { number, expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: "123" };
}

/** A fresh, valid Idempotency-Key. */
export const newKey = () => `test-${randomUUID()}`;

/** Creates a cart in api holding `quantity` of `sku`; returns its id. */
export async function cartWith(api: ServiceApp, sku: string, quantity: number): Promise<string> {
  const cart = await api.inject({ method: "POST", url: "/carts" });
  const id = cart.json().id as string;
  const added = await api.inject({ method: "POST", url: `/carts/${id}/items`, payload: { sku, quantity } });
  if (added.statusCode !== 200) throw new Error(`adding ${sku} answered ${added.statusCode}: ${added.body}`);
  return id;
}

/** A product of the demo catalog with between `atLeast` and `atMost` in stock. */
export async function productInStock(api: ServiceApp, atLeast = 5, atMost = Number.POSITIVE_INFINITY) {
  const list = await api.inject({ method: "GET", url: "/products?limit=100" });
  const items = list.json().items as { sku: string; stock: number }[];
  const product = items.find((p) => p.stock >= atLeast && p.stock <= atMost);
  if (!product) throw new Error("the demo catalog has no product in stock");
  return product;
}

/** Current stock of one product. */
export async function stockOf(api: ServiceApp, sku: string): Promise<number> {
  return (await api.inject({ method: "GET", url: `/products/${sku}` })).json().stock;
}

/** POSTs /checkout with `key` for `cartId`. */
export function postCheckout(checkout: ServiceApp, key: string, cartId: string, number = APPROVED_CARD) {
  return checkout.inject({
    method: "POST",
    url: "/checkout",
    headers: { "idempotency-key": key },
    payload: { cartId, card: card(number) },
  });
}

/** The payment payments holds for a checkout, or null. */
export async function paymentOf(payments: ServiceApp, checkoutId: string) {
  const found = await payments.inject({ method: "GET", url: `/payments?idempotencyKey=checkout-${checkoutId}` });
  return found.statusCode === 200 ? found.json() : null;
}

/** An order as api has it now. */
export async function orderOf(api: ServiceApp, orderId: string) {
  return (await api.inject({ method: "GET", url: `/orders/${orderId}` })).json();
}
