import { cardSchema } from "@shop/payment-card";
import { errorBodySchema, errorResponses, idempotencyKeySchema } from "@shop/service-kit";
import { orderSchema } from "@shop/shop-contracts";
import { z } from "zod";

export const checkoutHeadersSchema = z.object({ "idempotency-key": idempotencyKeySchema });

export const checkoutBodySchema = z.strictObject({ cartId: z.uuid(), card: cardSchema });

export const checkoutParamsSchema = z.object({ id: z.uuid() });

export const paidSchema = z.object({ checkoutId: z.uuid(), status: z.literal("paid"), order: orderSchema });

export const pendingSchema = z.object({
  checkoutId: z.uuid(),
  status: z.literal("pending"),
  order: orderSchema.nullable(),
});

export const checkoutViewSchema = z.object({
  checkoutId: z.uuid(),
  status: z.enum(["pending", "paid", "payment_failed", "rejected", "refunded"]),
  order: orderSchema.nullable(),
});

/** Every answer POST /checkout can give. */
export const postCheckoutResponses = {
  ...errorResponses,
  201: paidSchema,
  202: pendingSchema,
  402: errorBodySchema,
  503: errorBodySchema,
} as const;
