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

const lineSchema = z.object({
  sku: z.string(),
  name: z.string(),
  unitPriceMinor: z.number().int(),
  quantity: z.number().int(),
  lineTotalMinor: z.number().int(),
});
export type Line = z.infer<typeof lineSchema>;

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

/** An order as api sends it. */
export const orderSchema = z.object({
  id: z.string(),
  number: z.string(),
  status: z.string(),
  cartId: z.string(),
  currency: z.string(),
  totalMinor: z.number().int(),
  items: z.array(lineSchema),
  createdAt: z.string(),
});
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
