import { badRequest, conflict, HttpError, notFound } from "@shop/service-kit";

/** 404 for a cart id that does not exist. */
export const cartNotFound = (cartId: string) => notFound("Cart", cartId);

/** 404 for a SKU that does not exist. */
export const productNotFound = (sku: string) => notFound("Product", sku);

/** 404 for a SKU that is not in the cart. */
export const cartLineNotFound = (cartId: string, sku: string) =>
  new HttpError(404, "not_found", `Cart ${cartId} has no line for ${sku}`, { cartId, sku });

/** 409: a cart holds one currency only. */
export const currencyMismatch = (sku: string, productCurrency: string, cartCurrency: string) =>
  conflict("currency_mismatch", `${sku} is priced in ${productCurrency}, the cart in ${cartCurrency}`, {
    sku,
    productCurrency,
    cartCurrency,
  });

/** 409: the cart was already turned into an order. */
export const cartNotOpen = (cartId: string) =>
  conflict("cart_not_open", `Cart ${cartId} has already been ordered`, { cartId });

/** 409: fewer units in stock than asked for. */
export const outOfStock = (sku: string, requested: number, available: number) =>
  conflict("out_of_stock", `Only ${available} of ${sku} in stock, ${requested} requested`, {
    sku,
    requested,
    available,
  });

/** 400 naming `body.quantity` when a line would end up above its limit. */
export const lineQuantityTooLarge = (quantity: number, max: number) =>
  badRequest("validation_failed", `body.quantity: the line would hold ${quantity}; at most ${max} per line`, [
    { field: "body.quantity", message: `the line would hold ${quantity}; at most ${max} per line` },
  ]);

/** 409: an order cannot be made from a cart without lines. */
export const cartEmpty = (cartId: string) => conflict("cart_empty", `Cart ${cartId} has no items`, { cartId });

/** 404 for an order id that does not exist. */
export const orderNotFound = (orderId: string) => notFound("Order", orderId);

/** 409: the order's state machine has no such move. */
export const invalidTransition = (from: string, to: string) =>
  conflict("invalid_transition", `An order cannot move from ${from} to ${to}`, { from, to });
