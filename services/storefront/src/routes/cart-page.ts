import type { FastifyReply, FastifyRequest } from "fastify";
import type { ApiClient } from "../downstream/api-client.js";
import type { Cart } from "../downstream/schemas.js";
import { type CartView, cartPage } from "../views/cart.js";
import { currentOpenCart } from "./current-cart.js";
import type { PageDeps } from "./deps.js";

/** SKU → units in stock, for each line of `cart` that wants more than that (0 for a product no longer sold). */
export async function shortLines(
  api: ApiClient,
  requestId: string,
  cart: Cart | null,
): Promise<Record<string, number>> {
  if (!cart) return {};
  const products = await Promise.all(cart.items.map((line) => api.getProduct(requestId, line.sku)));
  const short: Record<string, number> = {};
  cart.items.forEach((line, index) => {
    const stock = products[index]?.stock ?? 0;
    if (stock < line.quantity) short[line.sku] = stock;
  });
  return short;
}

/** What a route adds to the cart page; `cart` defaults to this browser's open cart. */
export type CartPageOptions = Omit<CartView, "cart" | "csrfToken" | "shortages"> & {
  readonly cart?: Cart | null;
  readonly status?: number;
};

/** Sends the cart page with every line flagged whose quantity the stock no longer covers. */
export async function sendCartPage(
  deps: PageDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  options: CartPageOptions = {},
): Promise<FastifyReply> {
  const { status = 200, cart: given, ...view } = options;
  const cart = given === undefined ? await currentOpenCart(deps, request) : given;
  const shortages = await shortLines(deps.api, request.id, cart);
  return deps.pages.send(
    reply,
    "cart",
    cartPage({ cart, csrfToken: reply.generateCsrf(), shortages, ...view }),
    status,
  );
}
