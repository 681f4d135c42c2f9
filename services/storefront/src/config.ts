import { serverEnv } from "@shop/service-kit";
import { z } from "zod";

const booleanFlag = z.enum(["true", "false"]).transform((value) => value === "true");

/** The storefront's environment: where api and checkout live, the cookie secret, and whether cookies need HTTPS. */
export const configSchema = z.object({
  ...serverEnv(3000),
  API_URL: z.url(),
  CHECKOUT_URL: z.url(),
  COOKIE_SECRET: z.string().min(32, "must be at least 32 characters"),
  SECURE_COOKIES: booleanFlag.default(false),
  DOWNSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
  // Placing an order waits for checkout, which itself waits for api and the payment provider.
  CHECKOUT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});

export type Config = z.infer<typeof configSchema>;
