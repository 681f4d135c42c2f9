import { errorBodySchema, errorResponses, idempotencyKeySchema } from "@shop/service-kit";
import { z } from "zod";
import { orderSchema } from "../../clients/schemas.js";

/** True when `digits` passes the Luhn checksum every card number carries. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** True when a card's expiry month lies before the month of `now`. */
export function isExpired(expMonth: number, expYear: number, now: Date): boolean {
  return expYear * 12 + expMonth < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
}

const cardSchema = z
  .strictObject({
    number: z
      .string()
      .regex(/^\d{12,19}$/, "must be 12 to 19 digits")
      .refine(passesLuhn, "is not a valid card number"),
    expMonth: z.number().int().min(1).max(12),
    expYear: z.number().int().min(2000).max(2100),
    cvc: z.string().regex(/^\d{3,4}$/, "must be 3 or 4 digits"),
  })
  .superRefine((card, ctx) => {
    const now = new Date();
    if (!isExpired(card.expMonth, card.expYear, now)) return;
    const path = card.expYear < now.getUTCFullYear() ? "expYear" : "expMonth";
    ctx.addIssue({ code: "custom", path: [path], message: "the card has expired" });
  });

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
