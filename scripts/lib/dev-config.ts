import { join, resolve } from "node:path";
import { z } from "zod";
import { DEFAULT_PORTS, type ServiceName } from "./platform.js";

const port = z.coerce.number().int().min(1).max(65_535);

const DevEnvironment = z.object({
  /** PostgreSQL's port. */
  POSTGRES_PORT: port.default(54329),
  /** Storefront's port; api, checkout and payments take the next three (3000–3003 by default). */
  DEV_PORT_BASE: port.max(65_532).default(DEFAULT_PORTS.storefront),
  /** Where the database and the service logs live between runs. */
  DEV_DATA_DIR: z.string().min(1).optional(),
});

/** What `npm run dev` runs with. */
export interface DevConfig {
  readonly postgresPort: number;
  readonly ports: Readonly<Record<ServiceName, number>>;
  readonly dataDir: string;
}

/** Reads the launcher's settings from the environment; a bad value stops it with a message naming the variable. */
export function devConfig(env: NodeJS.ProcessEnv, repoRoot: string): DevConfig {
  const parsed = DevEnvironment.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`npm run dev: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const { POSTGRES_PORT, DEV_PORT_BASE, DEV_DATA_DIR } = parsed.data;
  const offset = DEV_PORT_BASE - DEFAULT_PORTS.storefront;
  const ports = Object.fromEntries(
    Object.entries(DEFAULT_PORTS).map(([name, value]) => [name, value + offset]),
  ) as Record<ServiceName, number>;
  const dataDir = DEV_DATA_DIR ? resolve(DEV_DATA_DIR) : join(repoRoot, ".data");
  return { postgresPort: POSTGRES_PORT, ports, dataDir };
}
