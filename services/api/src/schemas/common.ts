import { z } from "zod";

/** The public id of a product. */
export const skuSchema = z.string().regex(/^[A-Z0-9-]{3,32}$/, "must be 3-32 characters of A-Z, 0-9 and -");

/** `{ id }` route params holding a uuid. */
export const uuidParamsSchema = z.object({ id: z.uuid() });
