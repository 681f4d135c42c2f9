import type { FastifyRequest } from "fastify";
import type { Cart } from "../downstream/schemas.js";
import type { PageDeps } from "./deps.js";

/** This browser's cart if it is still open; an ordered, unknown or absent cart is none. */
export async function currentOpenCart({ api, sessions }: PageDeps, request: FastifyRequest): Promise<Cart | null> {
  const { cartId } = sessions.read(request);
  if (!cartId) return null;
  const cart = await api.getCart(request.id, cartId);
  return cart?.status === "open" ? cart : null;
}

/** The product name for `sku` from the cart's lines, falling back to the SKU itself. */
export function productName(cart: Cart | null, sku: string): string {
  return cart?.items.find((line) => line.sku === sku)?.name ?? sku;
}
