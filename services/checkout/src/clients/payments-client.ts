import { ServiceClient } from "@shop/service-kit";
import { z } from "zod";
import { isClientError, parseBody } from "./expect.js";
import { type Card, type Payment, paymentSchema, type Rejection, toRejection } from "./schemas.js";

/** What a charge request came back with. `processing` means payments has it but no outcome yet. */
export type ChargeAnswer =
  | { readonly kind: "payment"; readonly payment: Payment }
  | { readonly kind: "processing" }
  | { readonly kind: "rejected"; readonly rejection: Rejection };

export type VoidAnswer = { readonly kind: "voided" } | { readonly kind: "exists"; readonly payment: Payment };

export interface PaymentsClientOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** Deadline of the charge itself (the provider may be slow). */
  readonly paymentTimeoutMs: number;
}

export interface ChargeRequest {
  readonly idempotencyKey: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly reference: string;
  readonly card: Card;
}

const SERVICE = "payments";

/** The calls checkout makes to payments; 5xx and no answer throw (outcome unknown), 4xx are answers. */
export function createPaymentsClient(options: PaymentsClientOptions) {
  const client = new ServiceClient({ service: SERVICE, baseUrl: options.baseUrl, timeoutMs: options.timeoutMs });

  return {
    /** Charges the card under `idempotencyKey`; repeating it never charges twice. */
    async charge(request: ChargeRequest, requestId?: string): Promise<ChargeAnswer> {
      const { idempotencyKey, ...body } = request;
      const result = await client.call("POST", "/payments", {
        body,
        idempotencyKey,
        requestId,
        timeoutMs: options.paymentTimeoutMs,
      });
      if (isClientError(SERVICE, result))
        return { kind: "rejected", rejection: toRejection(result.status, result.body) };
      if (result.status === 202) return { kind: "processing" };
      return { kind: "payment", payment: parseBody(SERVICE, result, paymentSchema) };
    },

    /** The payment made under `idempotencyKey`, or null when payments has never seen that key. */
    async findByKey(idempotencyKey: string, requestId?: string): Promise<Payment | null> {
      const path = `/payments?idempotencyKey=${encodeURIComponent(idempotencyKey)}`;
      const result = await client.call("GET", path, { requestId });
      if (result.status === 404) return null;
      if (isClientError(SERVICE, result)) throw new Error(`payments refused the lookup: ${result.status}`);
      return parseBody(SERVICE, result, paymentSchema);
    },

    /** Forbids any payment under `idempotencyKey`, or hands back the payment that already exists. */
    async voidKey(idempotencyKey: string, requestId?: string): Promise<VoidAnswer> {
      const result = await client.call("POST", "/payments/void", { idempotencyKey, requestId });
      if (result.status === 409) {
        const details = parseBody(
          SERVICE,
          result,
          z.object({ error: z.literal("payment_exists"), details: paymentSchema }),
        );
        return { kind: "exists", payment: details.details };
      }
      if (isClientError(SERVICE, result)) throw new Error(`payments refused the void: ${result.status}`);
      return { kind: "voided" };
    },

    /** Refunds the whole payment, once per `idempotencyKey`. */
    async refund(paymentId: string, idempotencyKey: string, requestId?: string): Promise<Payment> {
      const path = `/payments/${encodeURIComponent(paymentId)}/refunds`;
      const result = await client.call("POST", path, { body: {}, idempotencyKey, requestId });
      if (isClientError(SERVICE, result)) throw new Error(`payments refused the refund: ${result.status}`);
      return parseBody(SERVICE, result, paymentSchema);
    },

    /** Resolves when payments' /healthz answers 200. */
    async health(): Promise<void> {
      const result = await client.call("GET", "/healthz");
      if (result.status !== 200) throw new Error(`payments /healthz answered ${result.status}`);
    },
  };
}

export type PaymentsClient = ReturnType<typeof createPaymentsClient>;
