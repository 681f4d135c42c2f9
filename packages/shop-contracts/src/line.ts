import { z } from "zod";

/** Integer minor units (cents); money is never a float. */
export const minorUnitsSchema = z.number().int().min(0);

/** How many of one product a cart line or order line holds. */
export const lineQuantitySchema = z.number().int().min(1).max(99);

/** A line as the api's carts and orders show it. */
export const lineSchema = z.object({
  sku: z.string(),
  name: z.string(),
  unitPriceMinor: minorUnitsSchema,
  quantity: lineQuantitySchema,
  lineTotalMinor: minorUnitsSchema,
});

export type Line = z.infer<typeof lineSchema>;
