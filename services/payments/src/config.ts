import { serverEnv } from "@shop/service-kit";
import { z } from "zod";

/** The payments service's environment. */
export const configSchema = z.object({
  ...serverEnv(3003),
  DATABASE_URL: z.string().min(1),
  // Keys the HMAC of request bodies, so a card number is never hashed unkeyed.
  FINGERPRINT_SECRET: z.string().min(16, "must be at least 16 characters"),
  SANDBOX_SLOW_MS: z.coerce.number().int().min(0).default(5000),
});

export type Config = z.infer<typeof configSchema>;
