import { currencySchema } from "@shop/service-kit";
import { lineQuantitySchema, lineSchema, minorUnitsSchema } from "@shop/shop-contracts";
import { z } from "zod";
import { skuSchema } from "./common.js";

/** A cart with totals computed by the server. */
export const cartSchema = z.object({
  id: z.uuid(),
  status: z.enum(["open", "ordered"]),
  currency: currencySchema,
  items: z.array(lineSchema),
  itemCount: z.number().int().min(0),
  totalMinor: minorUnitsSchema,
});

export type Cart = z.infer<typeof cartSchema>;

export const addItemBodySchema = z.strictObject({ sku: skuSchema, quantity: lineQuantitySchema });
export const setQuantityBodySchema = z.strictObject({ quantity: lineQuantitySchema });
export const cartLineParamsSchema = z.object({ id: z.uuid(), sku: skuSchema });
