import { currencySchema, storableTextSchema } from "@shop/service-kit";
import { minorUnitsSchema } from "@shop/shop-contracts";
import { z } from "zod";

/** A product as clients see it. */
export const productSchema = z.object({
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  priceMinor: minorUnitsSchema,
  currency: currencySchema,
  stock: z.number().int().min(0),
});

export type Product = z.infer<typeof productSchema>;

/** `GET /products` query: a page and an optional text filter. */
export const productListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  q: storableTextSchema.trim().max(100).optional(),
});

export const productPageSchema = z.object({
  items: z.array(productSchema),
  total: z.number().int().min(0),
  limit: z.number().int(),
  offset: z.number().int(),
});
