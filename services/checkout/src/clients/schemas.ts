import { z } from "zod";

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
