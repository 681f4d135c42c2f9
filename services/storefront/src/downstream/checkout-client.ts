import { DownstreamError, type ServiceClient } from "@shop/service-kit";
import { z } from "zod";
import { expectAnswer, expectOutcome, type Rejection } from "./answers.js";
import { type CheckoutResult, checkoutResultSchema, type Order } from "./schemas.js";

const SERVICE = "checkout";

/** The card as checkout takes it; it only passes through the storefront, never stored or logged. */
export interface CardDetails {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cvc: string;
}

/** How placing an order ended, as far as the shopper's page is concerned. */
export type PlaceOrderOutcome =
  | { readonly kind: "paid"; readonly checkoutId: string; readonly order: Order }
  | { readonly kind: "pending"; readonly checkoutId: string; readonly order: Order | null }
  | { readonly kind: "declined"; readonly checkoutId: string; readonly declineCode: string }
  | { readonly kind: "rejected"; readonly rejection: Rejection };

const declinedSchema = z.object({
  error: z.literal("payment_declined"),
  details: z.object({ checkoutId: z.string(), declineCode: z.string() }),
});

/** What the storefront asks of the checkout service. */
export interface CheckoutClient {
  placeOrder(requestId: string, idempotencyKey: string, cartId: string, card: CardDetails): Promise<PlaceOrderOutcome>;
  getCheckout(requestId: string, checkoutId: string): Promise<CheckoutResult | null>;
  /** Resolves when checkout's /healthz answers 200. */
  health(): Promise<void>;
}

/** A CheckoutClient over the kit's ServiceClient; `placeTimeoutMs` bounds the whole reserve-charge-confirm call. */
export function createCheckoutClient(http: ServiceClient, placeTimeoutMs: number): CheckoutClient {
  return {
    async placeOrder(requestId, idempotencyKey, cartId, card) {
      const result = await http.call("POST", "/checkout", {
        requestId,
        idempotencyKey,
        body: { cartId, card },
        timeoutMs: placeTimeoutMs,
      });
      if (result.status === 402) {
        const { details } = expectAnswer(SERVICE, result, [402], declinedSchema);
        return { kind: "declined", checkoutId: details.checkoutId, declineCode: details.declineCode };
      }
      const outcome = expectOutcome(SERVICE, result, [200, 201, 202], checkoutResultSchema, [400, 404, 409, 422]);
      if (!outcome.ok) return { kind: "rejected", rejection: outcome.rejection };
      const { checkoutId, order, status } = outcome.value;
      return status === "paid" && order ? { kind: "paid", checkoutId, order } : { kind: "pending", checkoutId, order };
    },
    async getCheckout(requestId, checkoutId) {
      const result = await http.call("GET", `/checkout/${encodeURIComponent(checkoutId)}`, { requestId });
      if (result.status === 404 || result.status === 400) return null;
      return expectAnswer(SERVICE, result, [200], checkoutResultSchema);
    },
    async health() {
      const result = await http.call("GET", "/healthz");
      if (result.status !== 200) throw new DownstreamError(SERVICE, result.status, result.body);
    },
  };
}
