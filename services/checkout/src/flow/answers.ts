import type { Order } from "@shop/shop-contracts";
import type { Rejection } from "../clients/schemas.js";
import type { StoredAnswer } from "../repositories/checkouts.js";

/** 201: the order is paid. */
export function paidAnswer(checkoutId: string, order: Order): StoredAnswer {
  return { status: 201, body: { checkoutId, status: "paid", order } };
}

/** 202: the payment's outcome is not known yet; the order stays pending and reconciliation settles it. */
export function pendingAnswer(checkoutId: string, order: Order | null): StoredAnswer {
  return { status: 202, body: { checkoutId, status: "pending", order } };
}

/** 402: the card was declined (or the payment was never confirmed and got voided); the stock is released. */
export function declinedAnswer(checkoutId: string, declineCode: string, order: Order | null): StoredAnswer {
  const message =
    declineCode === "payment_voided"
      ? "The payment could not be confirmed in time and was cancelled"
      : "The card was declined";
  return { status: 402, body: { error: "payment_declined", message, details: { checkoutId, declineCode, order } } };
}

/** 409: the payment went through but the order could not take it any more, so the money was given back. */
export function refundedAnswer(checkoutId: string, paymentId: string, order: Order | null): StoredAnswer {
  return {
    status: 409,
    body: {
      error: "payment_refunded",
      message: "The order was no longer awaiting payment; the payment has been refunded",
      details: { checkoutId, paymentId, order },
    },
  };
}

/** 503: api could not be reached before an order existed; retrying with the same key is safe. */
export function unavailableAnswer(checkoutId: string): StoredAnswer {
  return {
    status: 503,
    body: {
      error: "dependency_unavailable",
      message: "The shop could not take the order right now; retry with the same Idempotency-Key",
      details: { checkoutId },
    },
  };
}

/** A downstream refusal (e.g. api's 409 out_of_stock) passed on as it was given. */
export function rejectedAnswer(rejection: Rejection): StoredAnswer {
  return { status: rejection.status, body: rejection.body };
}
