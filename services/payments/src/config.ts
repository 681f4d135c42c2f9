import { serverEnv } from "@shop/service-kit";
import { z } from "zod";
import { paymentsFaultSchema } from "./fault-injection.js";

const milliseconds = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** The payments service's environment. */
export const configSchema = z
  .object({
    ...serverEnv(3003),
    NODE_ENV: z.string().optional(),
    DATABASE_URL: z.string().min(1),
    // Keys the HMAC of request bodies, so a card number is never hashed unkeyed.
    FINGERPRINT_SECRET: z.string().min(16, "must be at least 16 characters"),
    SANDBOX_SLOW_MS: milliseconds(5000),
    // A payment still processing after this long lost its answer (payments died mid-charge): ask the provider.
    // Keep it above the provider's slowest answer; settling one too early fails it, it never charges twice.
    PAYMENT_SETTLE_AFTER_MS: milliseconds(15_000).refine((ms) => ms > 0, "must be positive"),
    // How often (and once at start) stale processing payments are looked for; 0 disables the sweep.
    PAYMENT_SWEEP_INTERVAL_MS: milliseconds(5000),
    PAYMENTS_FAULT: paymentsFaultSchema,
  })
  .superRefine((config, context) => {
    if (config.PAYMENTS_FAULT !== null && config.NODE_ENV === "production") {
      context.addIssue({
        code: "custom",
        path: ["PAYMENTS_FAULT"],
        message: "is a test-only crash hook and is refused when NODE_ENV=production",
      });
    }
  });

export type Config = z.infer<typeof configSchema>;
