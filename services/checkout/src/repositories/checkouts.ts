import type { Pool } from "@shop/service-kit";
import type { Order } from "@shop/shop-contracts";

export type CheckoutStatus = "in_progress" | "pending_payment" | "paid" | "payment_failed" | "rejected" | "refunded";

/** The answer a checkout gave, replayed to waiting and retrying requests. */
export interface StoredAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface Checkout {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly requestFingerprint: string;
  readonly cartId: string;
  readonly status: CheckoutStatus;
  readonly orderId: string | null;
  readonly orderNumber: string | null;
  /** The order as api last described it. */
  readonly order: Order | null;
  readonly amountMinor: number | null;
  readonly currency: string | null;
  readonly paymentId: string | null;
  readonly declineCode: string | null;
  readonly answer: StoredAnswer | null;
  /** True while a request or the reconciler is driving this checkout. */
  readonly leased: boolean;
  readonly paymentSentAt: Date | null;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Fields a step of the flow may change. */
export interface CheckoutChanges {
  readonly status?: CheckoutStatus;
  readonly order?: Order;
  readonly paymentId?: string;
  readonly declineCode?: string | null;
  readonly answer?: StoredAnswer;
  readonly paymentSentAt?: Date;
}

const COLUMNS: Record<Exclude<keyof CheckoutChanges, "answer" | "order">, string> = {
  status: "status",
  paymentId: "payment_id",
  declineCode: "decline_code",
  paymentSentAt: "payment_sent_at",
};

const SELECT = `id, idempotency_key, request_fingerprint, cart_id, status, order_id, order_number, order_snapshot,
  amount_minor,
  currency, payment_id, decline_code, response_status, response_body, payment_sent_at, attempts, created_at,
  updated_at, (locked_until IS NOT NULL AND locked_until > now()) AS leased`;

const UNFINISHED = "status IN ('in_progress', 'pending_payment')";

/** All SQL of the checkouts table. Leases are measured on the database clock so every instance agrees. */
export function createCheckoutRepository(pool: Pool) {
  const one = async (sql: string, values: unknown[]): Promise<Checkout | null> => {
    const { rows } = await pool.query({ name: statementName(sql), text: sql, values });
    return rows[0] ? toCheckout(rows[0]) : null;
  };

  return {
    /** Records a new checkout leased to its creator, or returns null when the key is already taken. */
    insert(row: { id: string; idempotencyKey: string; fingerprint: string; cartId: string; leaseMs: number }) {
      return one(
        `INSERT INTO checkouts (id, idempotency_key, request_fingerprint, cart_id, locked_until)
         VALUES ($1, $2, $3, $4, now() + $5 * interval '1 millisecond')
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${SELECT}`,
        [row.id, row.idempotencyKey, row.fingerprint, row.cartId, row.leaseMs],
      );
    },

    findByKey(idempotencyKey: string) {
      return one(`SELECT ${SELECT} FROM checkouts WHERE idempotency_key = $1`, [idempotencyKey]);
    },

    findById(id: string) {
      return one(`SELECT ${SELECT} FROM checkouts WHERE id = $1`, [id]);
    },

    /** Takes the lease of an unfinished checkout nobody is driving; null if it is finished or taken. */
    claim(id: string, leaseMs: number) {
      return one(
        `UPDATE checkouts SET locked_until = now() + $2 * interval '1 millisecond', attempts = attempts + 1,
           updated_at = now()
         WHERE id = $1 AND ${UNFINISHED} AND (locked_until IS NULL OR locked_until <= now())
         RETURNING ${SELECT}`,
        [id, leaseMs],
      );
    },

    /**
     * Leases the oldest unfinished checkout untouched since `olderThan` that nobody holds (FOR UPDATE SKIP LOCKED,
     * so instances never take the same row), leaving out `exclude`. A checkout that never got an order (api was
     * down) is left alone once `abandonedBefore` passes: it holds no stock and no payment, and a retry of its key
     * can still start it over.
     */
    claimNextDue(due: { olderThan: Date; abandonedBefore: Date; leaseMs: number; exclude: readonly string[] }) {
      return one(
        `WITH due AS (
           SELECT id AS due_id FROM checkouts
           WHERE ${UNFINISHED} AND updated_at <= $1 AND (locked_until IS NULL OR locked_until <= now())
             AND NOT (status = 'in_progress' AND order_id IS NULL AND created_at < $2)
             AND NOT (id = ANY($4::uuid[]))
           ORDER BY updated_at LIMIT 1 FOR UPDATE SKIP LOCKED)
         UPDATE checkouts SET locked_until = now() + $3 * interval '1 millisecond'
         FROM due WHERE id = due.due_id RETURNING ${SELECT}`,
        [due.olderThan, due.abandonedBefore, due.leaseMs, due.exclude],
      );
    },

    /** Saves what a step learned; the lease is kept so the driver can go on. */
    update(id: string, changes: CheckoutChanges) {
      return write(pool, id, changes, false);
    },

    /** Saves the outcome of a drive and gives the lease back. */
    finish(id: string, changes: CheckoutChanges) {
      return write(pool, id, changes, true);
    },
  };
}

export type CheckoutRepository = ReturnType<typeof createCheckoutRepository>;

async function write(pool: Pool, id: string, changes: CheckoutChanges, release: boolean): Promise<Checkout> {
  const sets: string[] = ["updated_at = now()"];
  const values: unknown[] = [id];
  for (const [field, column] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, string][]) {
    if (changes[field] === undefined) continue;
    values.push(changes[field]);
    sets.push(`${column} = $${values.length}`);
  }
  if (changes.order) {
    const { id: orderId, number, totalMinor, currency } = changes.order;
    values.push(orderId, number, totalMinor, currency, JSON.stringify(changes.order));
    const at = values.length - 4;
    sets.push(`order_id = $${at}`, `order_number = $${at + 1}`, `amount_minor = $${at + 2}`, `currency = $${at + 3}`);
    sets.push(`order_snapshot = $${at + 4}::jsonb`);
  }
  if (changes.answer) {
    values.push(changes.answer.status, JSON.stringify(changes.answer.body));
    sets.push(`response_status = $${values.length - 1}`, `response_body = $${values.length}::jsonb`);
  }
  if (release) sets.push("locked_until = NULL");
  const text = `UPDATE checkouts SET ${sets.join(", ")} WHERE id = $1 RETURNING ${SELECT}`;
  const { rows } = await pool.query({ name: statementName(text), text, values });
  if (!rows[0]) throw new Error(`checkout ${id} vanished`);
  return toCheckout(rows[0]);
}

const statementNames = new Map<string, string>();

/**
 * A name per distinct statement text, so each connection parses and plans it once. The texts are this file's own
 * (a write's text depends only on which fields it sets), so the map stays small.
 */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `checkout-${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

function toCheckout(row: Record<string, unknown>): Checkout {
  return {
    id: row.id as string,
    idempotencyKey: row.idempotency_key as string,
    requestFingerprint: row.request_fingerprint as string,
    cartId: row.cart_id as string,
    status: row.status as CheckoutStatus,
    orderId: (row.order_id as string | null) ?? null,
    orderNumber: (row.order_number as string | null) ?? null,
    order: (row.order_snapshot as Order | null) ?? null,
    amountMinor: row.amount_minor === null ? null : Number(row.amount_minor),
    currency: (row.currency as string | null) ?? null,
    paymentId: (row.payment_id as string | null) ?? null,
    declineCode: (row.decline_code as string | null) ?? null,
    answer: row.response_status === null ? null : { status: row.response_status as number, body: row.response_body },
    leased: row.leased as boolean,
    paymentSentAt: (row.payment_sent_at as Date | null) ?? null,
    attempts: row.attempts as number,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}
