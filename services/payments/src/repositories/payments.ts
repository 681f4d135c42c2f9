import type { Pool, PoolClient } from "@shop/service-kit";
import type { CardBrand, StoredCard } from "../payments/card.js";
import type { Payment, PaymentStatus } from "../payments/schemas.js";
import type { ChargeOutcome } from "../provider/provider.js";

/** A pool, or one client inside a transaction. */
export type Queryable = Pool | PoolClient;

/** What an idempotency key already stands for. */
export type KeyRecord =
  | { readonly kind: "voided" }
  | { readonly kind: "payment"; readonly payment: Payment; readonly fingerprint: string };

export interface NewPayment {
  readonly idempotencyKey: string;
  readonly fingerprint: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly reference: string;
  readonly card: StoredCard;
}

interface PaymentRow {
  id: string;
  status: PaymentStatus | "voided";
  request_fingerprint: string | null;
  decline_code: Payment["declineCode"];
  amount_minor: string;
  refunded_minor: string;
  currency: string;
  reference: string;
  card_token: string;
  card_brand: CardBrand;
  card_last4: string;
  exp_month: number;
  exp_year: number;
  created_at: Date;
}

const COLUMNS = `id, status, request_fingerprint, decline_code, amount_minor, refunded_minor, currency, reference,
  card_token, card_brand, card_last4, exp_month, exp_year, created_at`;

/** SQL for payments and voided idempotency keys. */
export function createPaymentsRepository(db: Queryable) {
  return {
    /** Inserts a payment as `processing`; null when the key is already taken (by a payment or a void). */
    async insertProcessing(payment: NewPayment): Promise<Payment | null> {
      const { rows } = await db.query<PaymentRow>({
        name: "payments-insert-processing",
        text: `INSERT INTO payments (idempotency_key, request_fingerprint, status, amount_minor, currency, reference,
           card_token, card_brand, card_last4, exp_month, exp_year)
         VALUES ($1, $2, 'processing', $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING ${COLUMNS}`,
        values: [
          payment.idempotencyKey,
          payment.fingerprint,
          payment.amountMinor,
          payment.currency,
          payment.reference,
          payment.card.token,
          payment.card.brand,
          payment.card.last4,
          payment.card.expMonth,
          payment.card.expYear,
        ],
      });
      return rows[0] ? toPayment(rows[0]) : null;
    },

    /** Records the provider's final answer for a payment that is still processing. */
    async complete(id: string, outcome: ChargeOutcome): Promise<Payment | null> {
      const { rows } = await db.query<PaymentRow>({
        name: "payments-complete",
        text: `UPDATE payments SET status = $2, decline_code = $3, updated_at = now()
               WHERE id = $1 AND status = 'processing'
               RETURNING ${COLUMNS}`,
        values: [id, outcome.status, outcome.status === "declined" ? outcome.declineCode : null],
      });
      return rows[0] ? toPayment(rows[0]) : null;
    },

    /** Processing payments older than `olderThanMs` on the database clock, oldest first. */
    async findStaleProcessing(olderThanMs: number, limit: number): Promise<Payment[]> {
      const { rows } = await db.query<PaymentRow>(
        `SELECT ${COLUMNS} FROM payments
         WHERE status = 'processing' AND created_at <= now() - $1 * interval '1 millisecond'
         ORDER BY created_at LIMIT $2`,
        [olderThanMs, limit],
      );
      return rows.map(toPayment);
    },

    /** True when this payment is still processing and older than `olderThanMs` on the database clock. */
    async isStaleProcessing(id: string, olderThanMs: number): Promise<boolean> {
      const { rowCount } = await db.query(
        `SELECT 1 FROM payments
         WHERE id = $1 AND status = 'processing' AND created_at <= now() - $2 * interval '1 millisecond'`,
        [id, olderThanMs],
      );
      return rowCount === 1;
    },

    /**
     * Voids a processing payment the provider never charged: its key then reads as voided, so it can never be
     * charged and a retry is told so. False when it had stopped processing.
     */
    async voidProcessing(id: string): Promise<boolean> {
      const result = await db.query(
        "UPDATE payments SET status = 'voided', updated_at = now() WHERE id = $1 AND status = 'processing'",
        [id],
      );
      return result.rowCount === 1;
    },

    /** Marks an unused key as voided; false when the key is already taken. */
    async voidKey(idempotencyKey: string): Promise<boolean> {
      const result = await db.query(
        `INSERT INTO payments (idempotency_key, status) VALUES ($1, 'voided') ON CONFLICT (idempotency_key) DO NOTHING`,
        [idempotencyKey],
      );
      return result.rowCount === 1;
    },

    /** What the key stands for, or null when it was never used. */
    async findByKey(idempotencyKey: string): Promise<KeyRecord | null> {
      const { rows } = await db.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE idempotency_key = $1`, [
        idempotencyKey,
      ]);
      const row = rows[0];
      if (!row) return null;
      if (row.status === "voided") return { kind: "voided" };
      return { kind: "payment", payment: toPayment(row), fingerprint: row.request_fingerprint ?? "" };
    },

    /** The payment with this id, or null (a voided key is not a payment). */
    async findById(id: string): Promise<Payment | null> {
      const { rows } = await db.query<PaymentRow>(
        `SELECT ${COLUMNS} FROM payments WHERE id = $1 AND status <> 'voided'`,
        [id],
      );
      return rows[0] ? toPayment(rows[0]) : null;
    },

    /**
     * Adds a refund to a refundable payment, only if the total stays within the amount.
     * Null when the payment is not refundable or the refund would exceed it; concurrent refunds cannot overshoot
     * because the condition is re-checked on the locked, current row.
     */
    async addRefund(id: string, amountMinor: number): Promise<Payment | null> {
      const { rows } = await db.query<PaymentRow>(
        `UPDATE payments
         SET refunded_minor = refunded_minor + $2,
             status = CASE WHEN refunded_minor + $2 = amount_minor THEN 'refunded' ELSE 'partially_refunded' END,
             updated_at = now()
         WHERE id = $1 AND status IN ('approved', 'partially_refunded') AND refunded_minor + $2 <= amount_minor
         RETURNING ${COLUMNS}`,
        [id, amountMinor],
      );
      return rows[0] ? toPayment(rows[0]) : null;
    },
  };
}

export type PaymentsRepository = ReturnType<typeof createPaymentsRepository>;

function toPayment(row: PaymentRow): Payment {
  if (row.status === "voided") throw new Error(`row ${row.id} is a voided key, not a payment`);
  return {
    id: row.id,
    status: row.status,
    declineCode: row.decline_code,
    amountMinor: Number(row.amount_minor),
    refundedMinor: Number(row.refunded_minor),
    currency: row.currency,
    reference: row.reference,
    card: {
      token: row.card_token,
      brand: row.card_brand,
      last4: row.card_last4,
      expMonth: row.exp_month,
      expYear: row.exp_year,
    },
    createdAt: row.created_at.toISOString(),
  };
}
