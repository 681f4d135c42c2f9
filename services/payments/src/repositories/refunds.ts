import type { Queryable } from "./payments.js";

/** A refund already recorded under a key. */
export interface RefundRecord {
  /** What the caller asked for; null when they asked for everything that was left. */
  readonly requestedMinor: number | null;
  readonly amountMinor: number;
}

/** SQL for refunds; used inside the transaction that raises the payment's refunded amount. */
export function createRefundsRepository(db: Queryable) {
  return {
    /** The refund recorded for this payment under this key, or null. */
    async find(paymentId: string, idempotencyKey: string): Promise<RefundRecord | null> {
      const { rows } = await db.query<{ requested_minor: string | null; amount_minor: string }>(
        "SELECT requested_minor, amount_minor FROM refunds WHERE payment_id = $1 AND idempotency_key = $2",
        [paymentId, idempotencyKey],
      );
      const row = rows[0];
      if (!row) return null;
      return {
        requestedMinor: row.requested_minor === null ? null : Number(row.requested_minor),
        amountMinor: Number(row.amount_minor),
      };
    },

    /** Records a refund; a concurrent one under the same key makes this throw a unique violation (23505). */
    async insert(paymentId: string, idempotencyKey: string, refund: RefundRecord): Promise<void> {
      await db.query(
        "INSERT INTO refunds (payment_id, idempotency_key, requested_minor, amount_minor) VALUES ($1, $2, $3, $4)",
        [paymentId, idempotencyKey, refund.requestedMinor, refund.amountMinor],
      );
    },
  };
}
