import { conflict, notFound, type Pool, withTransaction } from "@shop/service-kit";
import type { PaymentMetrics } from "../metrics.js";
import { createPaymentsRepository } from "../repositories/payments.js";
import { createRefundsRepository, type RefundRecord } from "../repositories/refunds.js";
import type { Payment } from "./schemas.js";

const REFUNDABLE = new Set<Payment["status"]>(["approved", "partially_refunded", "refunded"]);
const UNIQUE_VIOLATION = "23505";

/** Idempotent refunds that can never add up to more than the payment. */
export function createRefundService(pool: Pool, metrics: PaymentMetrics) {
  /** The answer for a refund key that was already used: the payment as it is now, if the request matches. */
  async function replay(paymentId: string, idempotencyKey: string, requestedMinor: number | null): Promise<Payment> {
    const [payment, previous] = await Promise.all([
      createPaymentsRepository(pool).findById(paymentId),
      createRefundsRepository(pool).find(paymentId, idempotencyKey),
    ]);
    if (!payment || !previous) throw new Error(`refund ${idempotencyKey} of payment ${paymentId} vanished`);
    return answerReplay(payment, previous, idempotencyKey, requestedMinor);
  }

  return {
    /** Refunds `requestedMinor`, or everything not refunded yet when it is null. */
    async refund(paymentId: string, idempotencyKey: string, requestedMinor: number | null): Promise<Payment> {
      try {
        const result = await withTransaction(pool, async (client) => {
          const payments = createPaymentsRepository(client);
          const refunds = createRefundsRepository(client);
          const payment = await payments.findById(paymentId);
          if (!payment) throw notFound("Payment", paymentId);
          const previous = await refunds.find(paymentId, idempotencyKey);
          if (previous) return { payment: answerReplay(payment, previous, idempotencyKey, requestedMinor), new: false };
          if (!REFUNDABLE.has(payment.status)) {
            throw conflict(
              "payment_not_refundable",
              `Payment ${paymentId} is ${payment.status}; it cannot be refunded`,
              {
                status: payment.status,
              },
            );
          }
          const refundableMinor = payment.amountMinor - payment.refundedMinor;
          const amountMinor = requestedMinor ?? refundableMinor;
          // The key is taken first: a concurrent request with the same key waits here, then fails and replays.
          if (amountMinor > 0) await refunds.insert(paymentId, idempotencyKey, { requestedMinor, amountMinor });
          const refunded = amountMinor > 0 ? await payments.addRefund(paymentId, amountMinor) : null;
          if (!refunded) {
            throw conflict(
              "refund_exceeds_payment",
              `Refunding ${amountMinor} would exceed what is left of payment ${paymentId}`,
              { amountMinor, refundableMinor },
            );
          }
          return { payment: refunded, new: true };
        });
        if (result.new) metrics.refunds.inc();
        return result.payment;
      } catch (error) {
        if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) {
          return replay(paymentId, idempotencyKey, requestedMinor);
        }
        throw error;
      }
    },
  };
}

function answerReplay(
  payment: Payment,
  previous: RefundRecord,
  idempotencyKey: string,
  requestedMinor: number | null,
): Payment {
  if (previous.requestedMinor !== requestedMinor) {
    throw conflict(
      "idempotency_key_reused",
      `Refund idempotency key ${idempotencyKey} was already used with a different amount`,
      { idempotencyKey },
    );
  }
  return payment;
}
