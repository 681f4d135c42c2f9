import { z } from "zod";

/** The public id of a product. */
export const skuSchema = z.string().regex(/^[A-Z0-9-]{3,32}$/, "must be 3-32 characters of A-Z, 0-9 and -");

/** How many of one product a cart line or order line holds. */
export const lineQuantitySchema = z.number().int().min(1).max(99);

/** Integer minor units (cents); money is never a float. */
export const minorUnitsSchema = z.number().int().min(0);

/** A line as a cart and an order show it. */
export const lineSchema = z.object({
  sku: z.string(),
  name: z.string(),
  unitPriceMinor: minorUnitsSchema,
  quantity: lineQuantitySchema,
  lineTotalMinor: minorUnitsSchema,
});

export type Line = z.infer<typeof lineSchema>;

/** `{ id }` route params holding a uuid. */
export const uuidParamsSchema = z.object({ id: z.uuid() });
