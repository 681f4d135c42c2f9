import { orderSchema as contractOrderSchema, lineSchema } from "@shop/shop-contracts";
import { z } from "zod";

/** A catalog product as api sends it. */
export const productSchema = z.object({
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  priceMinor: z.number().int(),
  currency: z.string(),
  stock: z.number().int(),
});
export type Product = z.infer<typeof productSchema>;

export const productPageSchema = z.object({
  items: z.array(productSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
export type ProductPage = z.infer<typeof productPageSchema>;

/** A cart as api sends it; totals are the server's. */
export const cartSchema = z.object({
  id: z.string(),
  status: z.enum(["open", "ordered"]),
  currency: z.string(),
  items: z.array(lineSchema),
  itemCount: z.number().int(),
  totalMinor: z.number().int(),
});
export type Cart = z.infer<typeof cartSchema>;

/** The part of api's order the storefront shows; a status it has no words for is shown as api spells it. */
export const orderSchema = contractOrderSchema
  .pick({
    id: true,
    number: true,
    status: true,
    cartId: true,
    currency: true,
    totalMinor: true,
    items: true,
    createdAt: true,
  })
  .extend({ status: z.string() });
export type Order = z.infer<typeof orderSchema>;

/** What checkout answers for a placed or looked-up checkout (201, 202, and GET); a pending one may have no order yet. */
export const checkoutResultSchema = z.object({
  checkoutId: z.string(),
  status: z.string(),
  order: orderSchema.nullable(),
});
export type CheckoutResult = z.infer<typeof checkoutResultSchema>;

/** The shared `{ error, message, details }` body of a 4xx answer. */
export const errorAnswerSchema = z.object({
  error: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
