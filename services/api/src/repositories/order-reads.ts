import type { Pool, PoolClient } from "@shop/service-kit";
import type { Order, OrderStatus } from "@shop/shop-contracts";
import { type LineRow, toLine } from "../lines.js";

/** Something that runs SQL: the pool or one transaction's client. */
export type Db = Pool | PoolClient;

interface OrderRow {
  id: string;
  number: string;
  status: OrderStatus;
  cart_id: string;
  checkout_id: string;
  currency: string;
  total_minor: string;
  payment_id: string | null;
  created_at: Date;
}

/** `ORD-000123`; numbers past six digits keep all of them. */
export function formatOrderNumber(number: string | number): string {
  return `ORD-${String(number).padStart(6, "0")}`;
}

/** The order with its lines and history, or undefined. */
export async function readOrder(db: Db, orderId: string): Promise<Order | undefined> {
  const order = (
    await db.query<OrderRow>(
      `SELECT id, number, status, cart_id, checkout_id, currency, total_minor, payment_id, created_at
       FROM orders WHERE id = $1`,
      [orderId],
    )
  ).rows[0];
  if (!order) return undefined;
  const items = await db.query<LineRow>(
    "SELECT sku, name, unit_price_minor, quantity FROM order_items WHERE order_id = $1 ORDER BY sku",
    [orderId],
  );
  const history = await db.query<{ status: OrderStatus; reason: string | null; at: Date }>(
    "SELECT status, reason, at FROM order_status_history WHERE order_id = $1 ORDER BY id",
    [orderId],
  );
  return {
    id: order.id,
    number: formatOrderNumber(order.number),
    status: order.status,
    cartId: order.cart_id,
    checkoutId: order.checkout_id,
    currency: order.currency,
    totalMinor: Number(order.total_minor),
    items: items.rows.map(toLine),
    paymentId: order.payment_id,
    history: history.rows.map((h) => ({ status: h.status, reason: h.reason, at: h.at.toISOString() })),
    createdAt: order.created_at.toISOString(),
  };
}

/** The id of the order made for this checkout, or undefined. */
export async function findOrderIdByCheckout(db: Db, checkoutId: string): Promise<string | undefined> {
  const result = await db.query<{ id: string }>("SELECT id FROM orders WHERE checkout_id = $1", [checkoutId]);
  return result.rows[0]?.id;
}

/** Reads an order that is known to exist (it was just written or found). */
export async function readExistingOrder(db: Db, orderId: string): Promise<Order> {
  const order = await readOrder(db, orderId);
  if (!order) throw new Error(`order ${orderId} vanished while being read`);
  return order;
}
