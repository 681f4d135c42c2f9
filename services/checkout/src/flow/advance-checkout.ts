import type { Order } from "@shop/shop-contracts";
import type { FastifyBaseLogger } from "fastify";
import type { ApiClient, OrderAnswer } from "../clients/api-client.js";
import { isOutcomeUnknown } from "../clients/expect.js";
import type { ChargeAnswer, PaymentsClient } from "../clients/payments-client.js";
import type { Card, Payment, Rejection } from "../clients/schemas.js";
import type { Checkout, CheckoutChanges, CheckoutRepository } from "../repositories/checkouts.js";
import {
  declinedAnswer,
  paidAnswer,
  pendingAnswer,
  refundedAnswer,
  rejectedAnswer,
  unavailableAnswer,
} from "./answers.js";
import { decidePayment, graceExpired, paymentKey, refundKey } from "./decisions.js";

/** How one drive of a checkout ended; also the label of the checkout metrics. */
export type Outcome = "paid" | "declined" | "voided" | "refunded" | "pending" | "rejected" | "unavailable" | "no_order";

export interface AdvanceResult {
  readonly checkout: Checkout;
  readonly outcome: Outcome;
}

export interface AdvanceContext {
  /** The card of a client's request; null when the reconciler drives (it may look up and void, never charge). */
  readonly card: Card | null;
  readonly now: Date;
  readonly requestId?: string;
  /** The request's logger (it carries the request id); the service logger when the reconciler drives. */
  readonly log?: FastifyBaseLogger;
}

export interface CheckoutDriverDeps {
  readonly checkouts: CheckoutRepository;
  readonly api: ApiClient;
  readonly payments: PaymentsClient;
  readonly paymentGraceMs: number;
  readonly logger: FastifyBaseLogger;
}

/**
 * Moves a leased checkout as far as it can go: order → payment → settled order, and gives the lease back.
 * Every downstream step is idempotent (by checkoutId or payment key), so a drive may repeat any of them.
 */
export function createCheckoutDriver(deps: CheckoutDriverDeps) {
  const { checkouts, api, payments } = deps;

  async function advance(checkout: Checkout, ctx: AdvanceContext): Promise<AdvanceResult> {
    try {
      return await drive(checkout, ctx);
    } catch (error) {
      await checkouts.finish(checkout.id, {});
      throw error;
    }
  }

  async function drive(start: Checkout, ctx: AdvanceContext): Promise<AdvanceResult> {
    const found = await findOrder(start, ctx);
    if ("outcome" in found) return found;
    const order = found.order;
    // The first charge saves the order together with "payment sent": one write instead of two on the hot path.
    if (start.paymentSentAt === null && ctx.card) return charge(start, order, ctx.card, ctx);
    const checkout = await checkouts.update(start.id, { order });
    let payment: Payment | null;
    try {
      payment = await payments.findByKey(paymentKey(checkout.id), ctx.requestId);
    } catch (error) {
      if (!isOutcomeUnknown(error)) throw error;
      return pending(checkout, order);
    }
    // A retry carries the card, so a payment still processing is re-sent with its key: if its answer was lost in a
    // payments crash, payments settles it from the provider instead of answering 202 again.
    const resend = ctx.card !== null && payment?.status === "processing";
    if (payment && !resend) return settle(checkout, order, payment, ctx);
    if (ctx.card) return charge(checkout, order, ctx.card, ctx);
    if (!graceExpired(checkout, ctx.now, deps.paymentGraceMs)) return pending(checkout, order);
    return voidPayment(checkout, order, ctx);
  }

  /** The checkout's order: created (request path, idempotent by checkoutId) or looked up (reconciler). */
  async function findOrder(checkout: Checkout, ctx: AdvanceContext): Promise<{ order: Order } | AdvanceResult> {
    let answer: OrderAnswer | null;
    try {
      if (checkout.orderId) answer = await api.getOrder(checkout.orderId, ctx.requestId);
      else if (ctx.card) answer = await api.createOrder(checkout.cartId, checkout.id, ctx.requestId);
      else {
        const order = await api.findOrderByCheckout(checkout.id, ctx.requestId);
        answer = order ? { ok: true, order } : null;
      }
    } catch (error) {
      if (!isOutcomeUnknown(error)) throw error;
      (ctx.log ?? deps.logger).warn({ checkoutId: checkout.id, err: error }, "api did not answer about the order");
      if (checkout.orderId) return pending(checkout, checkout.order);
      return finish(checkout, "unavailable", ctx.card ? { answer: unavailableAnswer(checkout.id) } : {});
    }
    if (answer === null) return finish(checkout, "no_order", {});
    if (!answer.ok) {
      if (checkout.orderId) throw new Error(`api refused order ${checkout.orderId}: ${answer.rejection.status}`);
      return finish(checkout, "rejected", { status: "rejected", answer: rejectedAnswer(answer.rejection) });
    }
    return { order: answer.order };
  }

  async function charge(checkout: Checkout, order: Order, card: Card, ctx: AdvanceContext): Promise<AdvanceResult> {
    const sent = await checkouts.update(checkout.id, { order, status: "pending_payment", paymentSentAt: ctx.now });
    const request = {
      idempotencyKey: paymentKey(checkout.id),
      amountMinor: order.totalMinor,
      currency: order.currency,
      reference: order.number,
      card,
    };
    let answer: ChargeAnswer;
    try {
      answer = await payments.charge(request, ctx.requestId);
    } catch (error) {
      if (!isOutcomeUnknown(error)) throw error;
      const log = ctx.log ?? deps.logger;
      log.warn({ checkoutId: checkout.id, err: error }, "payment outcome unknown; checkout left pending");
      return pending(sent, order);
    }
    if (answer.kind === "payment") return settle(sent, order, answer.payment, ctx);
    if (answer.kind === "processing") return pending(sent, order);
    if (answer.rejection.body.error === "idempotency_key_voided") return failOrder(sent, order, "payment_voided", ctx);
    return refusedCharge(sent, order, answer.rejection, ctx);
  }

  /** payments refused the request itself, so nothing was charged: release the stock and pass its reason on. */
  async function refusedCharge(checkout: Checkout, order: Order, rejection: Rejection, ctx: AdvanceContext) {
    (ctx.log ?? deps.logger).warn(
      { checkoutId: checkout.id, error: rejection.body.error },
      "payments refused the charge",
    );
    let failed: OrderAnswer;
    try {
      failed = await api.transition(order.id, { to: "payment_failed", reason: "payment_rejected" }, ctx.requestId);
    } catch (error) {
      if (!isOutcomeUnknown(error)) throw error;
      return pending(checkout, order);
    }
    return finish(checkout, "rejected", {
      status: "rejected",
      ...(failed.ok ? { order: failed.order } : {}),
      answer: rejectedAnswer(rejection),
    });
  }

  async function voidPayment(checkout: Checkout, order: Order, ctx: AdvanceContext): Promise<AdvanceResult> {
    try {
      const answer = await payments.voidKey(paymentKey(checkout.id), ctx.requestId);
      if (answer.kind === "exists") return settle(checkout, order, answer.payment, ctx);
    } catch (error) {
      if (!isOutcomeUnknown(error)) throw error;
      return pending(checkout, order);
    }
    return failOrder(checkout, order, "payment_voided", ctx);
  }

  async function settle(checkout: Checkout, order: Order, payment: Payment, ctx: AdvanceContext) {
    const decision = decidePayment(payment);
    // The payment id is saved by whichever write ends this drive (finish writes the checkout's paymentId), not by a
    // write of its own: payments keeps the payment under the checkout's key, so nothing is lost if the drive dies here.
    const withPayment: Checkout = { ...checkout, paymentId: decision.paymentId };
    switch (decision.kind) {
      case "mark_paid":
        return markPaid(withPayment, order, decision.paymentId, ctx);
      case "mark_failed":
        return failOrder(withPayment, order, decision.declineCode, ctx);
      case "already_refunded":
        return refunded(withPayment, order, decision.paymentId, ctx);
      case "wait":
        return pending(withPayment, order);
    }
  }

  async function markPaid(checkout: Checkout, order: Order, paymentId: string, ctx: AdvanceContext) {
    let answer: OrderAnswer;
    try {
      answer = await api.transition(order.id, { to: "paid", paymentId }, ctx.requestId);
    } catch (error) {
      if (!isOutcomeUnknown(error)) throw error;
      return pending(checkout, order);
    }
    if (answer.ok)
      return finish(checkout, "paid", {
        status: "paid",
        order: answer.order,
        answer: paidAnswer(checkout.id, answer.order),
      });
    // Compensation: the money arrived for an order that is no longer waiting for it.
    (ctx.log ?? deps.logger).warn(
      { checkoutId: checkout.id, paymentId, rejection: answer.rejection.body },
      "refunding payment",
    );
    try {
      await payments.refund(paymentId, refundKey(checkout.id), ctx.requestId);
    } catch (error) {
      if (!isOutcomeUnknown(error)) throw error;
      return pending(checkout, order);
    }
    return refunded(checkout, order, paymentId, ctx);
  }

  async function refunded(checkout: Checkout, order: Order, paymentId: string, ctx: AdvanceContext) {
    const current = await currentOrder(order, ctx);
    return finish(checkout, "refunded", {
      status: "refunded",
      order: current,
      answer: refundedAnswer(checkout.id, paymentId, current),
    });
  }

  async function failOrder(checkout: Checkout, order: Order, declineCode: string, ctx: AdvanceContext) {
    let answer: OrderAnswer;
    try {
      answer = await api.transition(order.id, { to: "payment_failed", reason: declineCode }, ctx.requestId);
    } catch (error) {
      if (!isOutcomeUnknown(error)) throw error;
      return pending(checkout, order);
    }
    // A refusal means the order already left `pending` (e.g. cancelled): its stock is back either way.
    const current = answer.ok ? answer.order : await currentOrder(order, ctx);
    return finish(checkout, declineCode === "payment_voided" ? "voided" : "declined", {
      status: "payment_failed",
      declineCode,
      order: current,
      answer: declinedAnswer(checkout.id, declineCode, current),
    });
  }

  /** The order as api has it now, or the last known copy when api cannot say. */
  async function currentOrder(order: Order, ctx: AdvanceContext): Promise<Order> {
    try {
      const answer = await api.getOrder(order.id, ctx.requestId);
      return answer.ok ? answer.order : order;
    } catch (error) {
      if (!isOutcomeUnknown(error)) throw error;
      return order;
    }
  }

  function pending(checkout: Checkout, order: Order | null) {
    return finish(checkout, "pending", { answer: pendingAnswer(checkout.id, order) });
  }

  async function finish(checkout: Checkout, outcome: Outcome, changes: CheckoutChanges): Promise<AdvanceResult> {
    const paymentId = checkout.paymentId ?? undefined;
    return { checkout: await checkouts.finish(checkout.id, { paymentId, ...changes }), outcome };
  }

  return { advance };
}

export type CheckoutDriver = ReturnType<typeof createCheckoutDriver>;
