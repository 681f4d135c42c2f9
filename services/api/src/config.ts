import { serverEnv } from "@shop/service-kit";
import { z } from "zod";

const booleanFlag = z
  .enum(["true", "false", "1", "0"], { message: "must be true or false" })
  .transform((value) => value === "true" || value === "1");

/** The api's environment: where to listen, which database, whether to seed the demo catalog. */
export const configSchema = z.object({
  ...serverEnv(3001),
  DATABASE_URL: z
    .string({ message: "is required" })
    .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// connection URL"),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  SEED_CATALOG: booleanFlag.default(true),
  /** How long a catalog listing page may be served from memory; 0 turns the cache off. */
  CATALOG_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
});

export type Config = z.infer<typeof configSchema>;
