import { serverEnv } from "@shop/service-kit";
import { z } from "zod";

const milliseconds = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** Environment of the checkout service. */
export const configSchema = z.object({
  ...serverEnv(3002),
  DATABASE_URL: z.url(),
  API_URL: z.url(),
  PAYMENTS_URL: z.url(),
  FINGERPRINT_SECRET: z.string().min(16, "must be at least 16 characters"),
  PAYMENT_TIMEOUT_MS: milliseconds(3000).refine((ms) => ms > 0, "must be positive"),
  DOWNSTREAM_TIMEOUT_MS: milliseconds(3000).refine((ms) => ms > 0, "must be positive"),
  /** 0 disables the timer (tests then run `app.reconcile()` by hand). */
  RECONCILE_INTERVAL_MS: milliseconds(5000),
  /** How long a payment may stay unknown before the reconciler voids its key. */
  PAYMENT_GRACE_MS: milliseconds(30_000),
});

export type Config = z.infer<typeof configSchema>;
