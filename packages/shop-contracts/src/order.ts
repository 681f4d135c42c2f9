import { currencySchema } from "@shop/service-kit";
import { z } from "zod";
import { lineSchema, minorUnitsSchema } from "./line.js";

export const orderStatusSchema = z.enum(["pending", "paid", "payment_failed", "cancelled", "fulfilled"]);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

/** An order as the api sends it: the api's responses are serialised through this schema and consumers parse with it. */
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
