import { z } from "zod";

const lineSchema = z.object({
  sku: z.string(),
  name: z.string(),
  unitPriceMinor: z.number().int(),
  quantity: z.number().int(),
  lineTotalMinor: z.number().int(),
});

/** An order as api describes it (the fields of the contract; anything else is dropped). */
export const orderSchema = z.object({
  id: z.string(),
  number: z.string(),
  status: z.string(),
  cartId: z.string(),
  checkoutId: z.string().nullable(),
  currency: z.string(),
  totalMinor: z.number().int(),
  items: z.array(lineSchema),
  paymentId: z.string().nullable(),
  history: z.array(z.object({ status: z.string(), reason: z.string().nullable().optional(), at: z.string() })),
  createdAt: z.string(),
});
export type Order = z.infer<typeof orderSchema>;

/** The part of a payment that checkout acts on. */
export const paymentSchema = z.object({
  id: z.string(),
  status: z.enum(["processing", "approved", "declined", "refunded", "partially_refunded"]),
  declineCode: z.string().nullable(),
  amountMinor: z.number().int(),
  currency: z.string(),
});
export type Payment = z.infer<typeof paymentSchema>;

/** The card of a checkout request, sent on to payments and never stored. */
export interface Card {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cvc: string;
}

/** A 4xx answer from another service, kept whole so it can be passed on or stored. */
export interface Rejection {
  readonly status: number;
  readonly body: { error: string; message: string; details?: unknown };
}

/** Reads a downstream 4xx body as an error body, whatever shape it has. */
export function toRejection(status: number, body: unknown): Rejection {
  const parsed = z.object({ error: z.string(), message: z.string(), details: z.unknown() }).safeParse(body);
  return {
    status,
    body: parsed.success ? parsed.data : { error: "downstream_rejected", message: `answered ${status}` },
  };
}
