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

// One round trip: the lines and the history come along as JSON arrays. `at_ms` is truncated to milliseconds as a
// JavaScript Date would truncate it. A named statement, so each connection plans it once.
const READ_ORDER = {
  name: "api-read-order",
  text: `SELECT o.id, o.number, o.status, o.cart_id, o.checkout_id, o.currency, o.total_minor, o.payment_id, o.created_at,
    (SELECT coalesce(json_agg(json_build_object('sku', sku, 'name', name, 'unit_price_minor', unit_price_minor::text,
        'quantity', quantity) ORDER BY sku), '[]') FROM order_items WHERE order_id = o.id) AS items,
    (SELECT coalesce(json_agg(json_build_object('status', status, 'reason', reason,
        'at_ms', floor(extract(epoch FROM at) * 1000)) ORDER BY id), '[]')
       FROM order_status_history WHERE order_id = o.id) AS history
  FROM orders o WHERE o.id = $1`,
};

/** The order with its lines and history, or undefined. */
export async function readOrder(db: Db, orderId: string): Promise<Order | undefined> {
  const order = (
    await db.query<
      OrderRow & { items: LineRow[]; history: { status: OrderStatus; reason: string | null; at_ms: number }[] }
    >({ ...READ_ORDER, values: [orderId] })
  ).rows[0];
  if (!order) return undefined;
  return {
    id: order.id,
    number: formatOrderNumber(order.number),
    status: order.status,
    cartId: order.cart_id,
    checkoutId: order.checkout_id,
    currency: order.currency,
    totalMinor: Number(order.total_minor),
    items: order.items.map(toLine),
    paymentId: order.payment_id,
    history: order.history.map((h) => ({ status: h.status, reason: h.reason, at: new Date(h.at_ms).toISOString() })),
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
