import { cardSchema } from "@shop/payment-card";
import { currencySchema, idempotencyKeySchema, storableTextSchema } from "@shop/service-kit";
import { z } from "zod";
import { CARD_BRANDS } from "./card.js";

const MAX_AMOUNT_MINOR = 100_000_000;

/** A positive whole number of minor units, bounded so it is always exact. */
export const amountMinorSchema = z
  .number()
  .int("must be a whole number of minor units")
  .positive("must be positive")
  .max(MAX_AMOUNT_MINOR, `must be at most ${MAX_AMOUNT_MINOR}`);

/** Body of `POST /payments`. */
export const createPaymentBodySchema = z.strictObject({
  amountMinor: amountMinorSchema,
  currency: currencySchema,
  reference: storableTextSchema.min(1).max(200),
  card: cardSchema,
});
export type CreatePaymentBody = z.infer<typeof createPaymentBodySchema>;

/** Body of `POST /payments/:id/refunds`; may be left out to refund everything that is left. */
export const createRefundBodySchema = z.strictObject({ amountMinor: amountMinorSchema.optional() }).nullish();

/** Headers of a request that must carry an `Idempotency-Key`. */
export const idempotencyHeadersSchema = z.looseObject({ "idempotency-key": idempotencyKeySchema });

export const PAYMENT_STATUSES = ["processing", "approved", "declined", "refunded", "partially_refunded"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const DECLINE_CODES = ["card_declined", "insufficient_funds"] as const;

/** A payment as callers see it. */
export const paymentSchema = z.object({
  id: z.uuid(),
  status: z.enum(PAYMENT_STATUSES),
  declineCode: z.enum(DECLINE_CODES).nullable(),
  amountMinor: z.number().int(),
  refundedMinor: z.number().int(),
  currency: z.string(),
  reference: z.string(),
  card: z.object({
    token: z.string(),
    brand: z.enum(CARD_BRANDS),
    last4: z.string(),
    expMonth: z.number().int(),
    expYear: z.number().int(),
  }),
  createdAt: z.string(),
});
export type Payment = z.infer<typeof paymentSchema>;
