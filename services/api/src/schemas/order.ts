import { storableTextSchema } from "@shop/service-kit";
import { orderStatusSchema } from "@shop/shop-contracts";
import { z } from "zod";

/** The checkout's own id for the attempt; an order is made at most once per checkout id. */
export const checkoutIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, "may contain only letters, digits and _ . : -");

export const createOrderBodySchema = z.strictObject({ cartId: z.uuid(), checkoutId: checkoutIdSchema });

export const orderListQuerySchema = z.object({ checkoutId: checkoutIdSchema });

export const transitionBodySchema = z
  .strictObject({
    to: orderStatusSchema,
    paymentId: storableTextSchema.min(1).max(128).optional(),
    reason: storableTextSchema.min(1).max(500).optional(),
  })
  .refine((body) => body.to !== "paid" || body.paymentId !== undefined, {
    path: ["paymentId"],
    message: "is required to mark an order paid",
  });
