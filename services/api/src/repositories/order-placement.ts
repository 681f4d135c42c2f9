import type { Pool } from "@shop/service-kit";
import type { Order } from "@shop/shop-contracts";
import { cartEmpty, cartNotFound, cartNotOpen, outOfStock } from "../domain-errors.js";
import { findOrderIdByCheckout, readExistingOrder } from "./order-reads.js";

/** What placing an order did: made a new one, or found the one already made for the checkout. */
export interface Placement {
  readonly order: Order;
  readonly created: boolean;
}

/** SQLSTATE of the refusals `place_order` raises (migrations/004_place_order.sql): PL/pgSQL's raise_exception. */
const REFUSED = "P0001";

/**
 * Makes a pending order from an open cart, reserving every line's stock in the same transaction (one call of
 * `place_order`). At most one order per checkout id: a repeat (or a concurrent twin) gets the existing order back.
 */
export async function placeOrder(pool: Pool, cartId: string, checkoutId: string): Promise<Placement> {
  let placed: { placed_order_id: string; was_created: boolean } | undefined;
  try {
    const result = await pool.query<{ placed_order_id: string; was_created: boolean }>({
      name: "api-place-order",
      text: "SELECT placed_order_id, was_created FROM place_order($1, $2)",
      values: [cartId, checkoutId],
    });
    placed = result.rows[0];
  } catch (error) {
    if (!isRefusal(error, "checkout_already_ordered")) throw asDomainError(error, cartId);
    const winner = await findOrderIdByCheckout(pool, checkoutId);
    if (!winner) throw new Error(`order for checkout ${checkoutId} conflicted but cannot be found`);
    return { order: await readExistingOrder(pool, winner), created: false };
  }
  if (!placed) throw new Error(`place_order returned no row for checkout ${checkoutId}`);
  return { order: await readExistingOrder(pool, placed.placed_order_id), created: placed.was_created };
}

interface DatabaseRefusal {
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
}

function isRefusal(error: unknown, name?: string): error is DatabaseRefusal {
  const refusal = error as Partial<DatabaseRefusal> | null;
  return refusal?.code === REFUSED && (name === undefined || refusal.message === name);
}

/** The domain error a refusal of `place_order` stands for; anything else is passed on unchanged. */
function asDomainError(error: unknown, cartId: string): unknown {
  if (!isRefusal(error)) return error;
  switch (error.message) {
    case "cart_not_found":
      return cartNotFound(cartId);
    case "cart_not_open":
      return cartNotOpen(cartId);
    case "cart_empty":
      return cartEmpty(cartId);
    case "out_of_stock": {
      const facts = JSON.parse(error.detail ?? "{}") as { sku: string; requested: number; available: number };
      return outOfStock(facts.sku, facts.requested, facts.available);
    }
    default:
      return error;
  }
}
