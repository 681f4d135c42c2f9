import type { Payment } from "../clients/schemas.js";
import type { Checkout, CheckoutStatus } from "../repositories/checkouts.js";

/** What checkout must do about a payment payments knows of. */
export type PaymentDecision =
  | { readonly kind: "mark_paid"; readonly paymentId: string }
  | { readonly kind: "mark_failed"; readonly paymentId: string; readonly declineCode: string }
  | { readonly kind: "already_refunded"; readonly paymentId: string }
  | { readonly kind: "wait"; readonly paymentId: string };

/** Maps a payment's status to the step that settles the checkout. */
export function decidePayment(payment: Payment): PaymentDecision {
  switch (payment.status) {
    case "approved":
      return { kind: "mark_paid", paymentId: payment.id };
    case "declined":
      return { kind: "mark_failed", paymentId: payment.id, declineCode: payment.declineCode ?? "card_declined" };
    case "refunded":
    case "partially_refunded":
      return { kind: "already_refunded", paymentId: payment.id };
    case "processing":
      return { kind: "wait", paymentId: payment.id };
  }
}

/** True once an unanswered payment has stayed unknown longer than the grace period, so its key may be voided. */
export function graceExpired(checkout: Pick<Checkout, "paymentSentAt" | "createdAt">, now: Date, graceMs: number) {
  const since = checkout.paymentSentAt ?? checkout.createdAt;
  return now.getTime() - since.getTime() >= graceMs;
}

/** Checkouts in these states have a final answer that is replayed, never recomputed. */
export function isFinished(status: CheckoutStatus): boolean {
  return status !== "in_progress" && status !== "pending_payment";
}

/** The status a client sees: both unfinished states read as `pending`. */
export function publicStatus(
  status: CheckoutStatus,
): Exclude<CheckoutStatus, "in_progress" | "pending_payment"> | "pending" {
  return status === "in_progress" || status === "pending_payment" ? "pending" : status;
}

/** The idempotency key of a checkout's one payment. */
export const paymentKey = (checkoutId: string) => `checkout-${checkoutId}`;

/** The idempotency key of a checkout's one refund. */
export const refundKey = (checkoutId: string) => `refund-${checkoutId}`;
