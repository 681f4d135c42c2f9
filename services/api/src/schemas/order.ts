import { currencySchema, storableTextSchema } from "@shop/service-kit";
import { z } from "zod";
import { lineSchema, minorUnitsSchema } from "./common.js";

export const orderStatuses = ["pending", "paid", "payment_failed", "cancelled", "fulfilled"] as const;
export const orderStatusSchema = z.enum(orderStatuses);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

/** The checkout's own id for the attempt; an order is made at most once per checkout id. */
export const checkoutIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, "may contain only letters, digits and _ . : -");

export const orderSchema = z.object({
  id: z.uuid(),
  number: z.string().regex(/^ORD-\d{6,}$/),
  status: orderStatusSchema,
  cartId: z.uuid(),
  checkoutId: z.string(),
  currency: currencySchema,
  totalMinor: minorUnitsSchema,
  items: z.array(lineSchema),
  paymentId: z.string().nullable(),
  history: z.array(z.object({ status: orderStatusSchema, reason: z.string().nullable(), at: z.string() })),
  createdAt: z.string(),
});

export type Order = z.infer<typeof orderSchema>;

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
