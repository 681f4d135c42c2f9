import { type Pool, type PoolClient, withTransaction } from "@shop/service-kit";
import type { Order } from "@shop/shop-contracts";
import { cartEmpty, cartNotOpen, outOfStock } from "../domain-errors.js";
import { lockCart } from "./carts.js";
import { findOrderIdByCheckout, readExistingOrder } from "./order-reads.js";

/** What placing an order did: made a new one, or found the one already made for the checkout. */
export interface Placement {
  readonly order: Order;
  readonly created: boolean;
}

interface CartLine {
  product_id: string;
  quantity: number;
}

interface ReservedLine {
  product_id: string;
  sku: string;
  name: string;
  price_minor: string;
  quantity: number;
}

/** Thrown inside the transaction when another request inserted the order for this checkout first. */
class CheckoutAlreadyOrdered extends Error {}

/**
 * Makes a pending order from an open cart, reserving every line's stock in the same transaction.
 * At most one order per checkout id: a repeat (or a concurrent twin) gets the existing order back.
 */
export async function placeOrder(pool: Pool, cartId: string, checkoutId: string): Promise<Placement> {
  try {
    // A repeat finds its order under the cart lock (the twin check below); the order is read on the same connection.
    return await withTransaction(pool, async (client) => {
      const placed = await placeInTransaction(client, cartId, checkoutId);
      return { order: await readExistingOrder(client, placed.orderId), created: placed.created };
    });
  } catch (error) {
    if (!(error instanceof CheckoutAlreadyOrdered)) throw error;
    const winner = await findOrderIdByCheckout(pool, checkoutId);
    if (!winner) throw new Error(`order for checkout ${checkoutId} conflicted but cannot be found`);
    return { order: await readExistingOrder(pool, winner), created: false };
  }
}

async function placeInTransaction(client: PoolClient, cartId: string, checkoutId: string) {
  const cart = await lockCart(client, cartId);
  // Read after the lock, in a statement of its own (so with a snapshot taken after it): a twin request that held the
  // cart lock before us may have made the order while we waited, and the lines cannot change while we hold it.
  const { twin, lines } = await twinAndLines(client, cartId, checkoutId);
  if (twin) return { orderId: twin, created: false };
  if (cart.status !== "open") throw cartNotOpen(cartId);
  if (lines.length === 0) throw cartEmpty(cartId);
  const reserved: ReservedLine[] = [];
  for (const line of lines) reserved.push(await reserveLine(client, line));

  const totalMinor = reserved.reduce((sum, line) => sum + BigInt(line.price_minor) * BigInt(line.quantity), 0n);
  // The order, its lines, its history and the cart's new status in one statement: four writes, one round trip.
  // Everything after the insert hangs off `placed`, so a conflicting twin writes nothing at all.
  const inserted = await client.query<{ id: string }>({
    name: "api-order-placed",
    text: `WITH placed AS (
             INSERT INTO orders (checkout_id, cart_id, status, currency, total_minor)
             VALUES ($1, $2, 'pending', $3, $4) ON CONFLICT (checkout_id) DO NOTHING RETURNING id),
           items AS (
             INSERT INTO order_items (order_id, product_id, sku, name, unit_price_minor, quantity)
             SELECT placed.id, line.* FROM placed,
               unnest($5::uuid[], $6::text[], $7::text[], $8::bigint[], $9::int[]) AS line),
           history AS (
             INSERT INTO order_status_history (order_id, status, reason) SELECT id, 'pending', 'order placed' FROM placed),
           cart AS (UPDATE carts SET status = 'ordered', updated_at = now() WHERE id = $2 AND EXISTS (SELECT FROM placed))
           SELECT id FROM placed`,
    values: [
      checkoutId,
      cartId,
      cart.currency,
      totalMinor.toString(),
      reserved.map((l) => l.product_id),
      reserved.map((l) => l.sku),
      reserved.map((l) => l.name),
      reserved.map((l) => l.price_minor),
      reserved.map((l) => l.quantity),
    ],
  });
  const orderId = inserted.rows[0]?.id;
  if (!orderId) throw new CheckoutAlreadyOrdered();
  return { orderId, created: true };
}

/** The order a twin already made for `checkoutId`, if any, and the cart's lines in the order they are locked. */
async function twinAndLines(client: PoolClient, cartId: string, checkoutId: string) {
  // Product order is fixed so that concurrent orders lock product rows in the same sequence (no deadlocks).
  const { rows } = await client.query<{ twin: string | null; lines: CartLine[] }>({
    name: "api-order-twin-and-lines",
    text: `SELECT (SELECT id FROM orders WHERE checkout_id = $2) AS twin,
             (SELECT coalesce(json_agg(json_build_object('product_id', product_id, 'quantity', quantity)
                ORDER BY product_id), '[]') FROM cart_items WHERE cart_id = $1) AS lines`,
    values: [cartId, checkoutId],
  });
  const row = rows[0];
  return { twin: row?.twin ?? null, lines: row?.lines ?? [] };
}

/** Takes the line's units out of stock, or throws out_of_stock (which rolls back every earlier line). */
async function reserveLine(client: PoolClient, line: CartLine): Promise<ReservedLine> {
  const updated = await client.query<Omit<ReservedLine, "quantity">>({
    name: "api-order-reserve-line",
    text: `UPDATE products SET stock = stock - $2 WHERE id = $1 AND stock >= $2
           RETURNING id AS product_id, sku, name, price_minor`,
    values: [line.product_id, line.quantity],
  });
  const product = updated.rows[0];
  if (product) return { ...product, quantity: line.quantity };
  const current = await client.query<{ sku: string; stock: number }>("SELECT sku, stock FROM products WHERE id = $1", [
    line.product_id,
  ]);
  const row = current.rows[0];
  throw outOfStock(row?.sku ?? line.product_id, line.quantity, row?.stock ?? 0);
}
