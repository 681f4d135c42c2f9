import type { Pool } from "@shop/service-kit";
import type { Order } from "@shop/shop-contracts";
import { placeOrder } from "./order-placement.js";
import { findOrderIdByCheckout, readOrder } from "./order-reads.js";
import { type TransitionRequest, transitionOrder } from "./order-transitions.js";

/** SQL for orders: placing them (with stock reservation), reading them and moving them through their states. */
export function createOrderRepository(pool: Pool) {
  return {
    place: (cartId: string, checkoutId: string) => placeOrder(pool, cartId, checkoutId),
    find: (orderId: string) => readOrder(pool, orderId),
    /** Orders made for a checkout: none or one. */
    async listByCheckoutId(checkoutId: string): Promise<Order[]> {
      const id = await findOrderIdByCheckout(pool, checkoutId);
      const order = id ? await readOrder(pool, id) : undefined;
      return order ? [order] : [];
    },
    transition: (orderId: string, request: TransitionRequest) => transitionOrder(pool, orderId, request),
  };
}

export type OrderRepository = ReturnType<typeof createOrderRepository>;
