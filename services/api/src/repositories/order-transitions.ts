import { type Pool, withTransaction } from "@shop/service-kit";
import type { Order, OrderStatus } from "@shop/shop-contracts";
import { invalidTransition, orderNotFound } from "../domain-errors.js";
import { readExistingOrder } from "./order-reads.js";

/** The order's state machine: which statuses each status may move to. */
const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ["paid", "payment_failed", "cancelled"],
  paid: ["fulfilled"],
  payment_failed: [],
  cancelled: [],
  fulfilled: [],
};

/** Moving into these gives the reserved stock back and reopens the cart. */
const RELEASES_STOCK: ReadonlySet<OrderStatus> = new Set(["payment_failed", "cancelled"]);

/** Statuses only move forward, so a lost race is retried at most the depth of the machine. */
const MAX_ATTEMPTS = 4;

export interface TransitionRequest {
  readonly to: OrderStatus;
  readonly paymentId?: string | undefined;
  readonly reason?: string | undefined;
}

/** What a transition did; `unitsReleased` counts stock units given back. */
export interface TransitionOutcome {
  readonly order: Order;
  readonly changed: boolean;
  readonly unitsReleased: number;
}

/** The statuses an order may move to `to` from. */
function sourcesOf(to: OrderStatus): OrderStatus[] {
  return (Object.keys(NEXT) as OrderStatus[]).filter((from) => NEXT[from].includes(to));
}

/**
 * Moves an order to `to` with a conditional update on its current status, so that of several concurrent
 * requests exactly one makes the move (and gives stock back); the others see the new status. The move is tried
 * first and the status read only when it did not happen, so a move that succeeds costs no read of its own.
 */
export async function transitionOrder(
  pool: Pool,
  orderId: string,
  request: TransitionRequest,
): Promise<TransitionOutcome> {
  const sources = sourcesOf(request.to);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const unitsReleased = sources.length > 0 ? await moveIfStill(pool, orderId, sources, request) : undefined;
    if (unitsReleased !== undefined) {
      return { order: await readExistingOrder(pool, orderId), changed: true, unitsReleased };
    }
    const current = await pool.query<{ status: OrderStatus }>({
      name: "api-order-status",
      text: "SELECT status FROM orders WHERE id = $1",
      values: [orderId],
    });
    const from = current.rows[0]?.status;
    if (!from) throw orderNotFound(orderId);
    if (from === request.to) return unchanged(pool, orderId);
    if (!sources.includes(from)) throw invalidTransition(from, request.to);
  }
  throw new Error(`order ${orderId} kept changing status while moving to ${request.to}`);
}

async function unchanged(pool: Pool, orderId: string): Promise<TransitionOutcome> {
  return { order: await readExistingOrder(pool, orderId), changed: false, unitsReleased: 0 };
}

/** Makes the move if the order is in one of `from`; returns units released, or undefined if it was not. */
async function moveIfStill(
  pool: Pool,
  orderId: string,
  from: readonly OrderStatus[],
  request: TransitionRequest,
): Promise<number | undefined> {
  if (!RELEASES_STOCK.has(request.to)) {
    // Nothing to give back: the move and its history line are one statement, so no transaction is opened for them.
    const moved = await pool.query<{ cart_id: string }>({ ...MOVE, values: moveValues(orderId, from, request) });
    return moved.rows[0] ? 0 : undefined;
  }
  return withTransaction(pool, async (client) => {
    const moved = await client.query<{ cart_id: string }>({ ...MOVE, values: moveValues(orderId, from, request) });
    const cartId = moved.rows[0]?.cart_id;
    if (!cartId) return undefined;
    const released = await client.query<{ quantity: number }>(
      `UPDATE products p SET stock = p.stock + oi.quantity
       FROM order_items oi WHERE oi.order_id = $1 AND p.id = oi.product_id
       RETURNING oi.quantity`,
      [orderId],
    );
    await client.query("UPDATE carts SET status = 'open', updated_at = now() WHERE id = $1", [cartId]);
    return released.rows.reduce((sum, row) => sum + row.quantity, 0);
  });
}

/** Moves the order if it is in one of `from` and records the move in its history, as one statement. */
const MOVE = {
  name: "api-order-move",
  text: `WITH moved AS (
           UPDATE orders SET status = $3, payment_id = COALESCE($4, payment_id), updated_at = now()
           WHERE id = $1 AND status = ANY($2::text[]) RETURNING id, cart_id),
         history AS (INSERT INTO order_status_history (order_id, status, reason) SELECT id, $3, $5 FROM moved)
         SELECT cart_id FROM moved`,
};

function moveValues(orderId: string, from: readonly OrderStatus[], request: TransitionRequest) {
  return [orderId, from, request.to, request.paymentId ?? null, request.reason ?? null];
}
