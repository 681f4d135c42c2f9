import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { DatabaseCluster } from "@shop/embedded-db";
import { ServiceProcess, waitForOk } from "./service-process.js";

export const SERVICE_NAMES = ["api", "payments", "checkout", "storefront"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Loopback ports `npm run dev` uses; tests pass free ones. */
export const DEFAULT_PORTS: Readonly<Record<ServiceName, number>> = {
  storefront: 3000,
  api: 3001,
  checkout: 3002,
  payments: 3003,
};

// Local-only values: the launcher runs the shop on loopback for development, tests and benchmarks.
const LOCAL_SECRETS = {
  fingerprint: "local-fingerprint-secret-not-for-production",
  cookie: "local-cookie-secret-not-for-production-0123456789",
};

export interface PlatformOptions {
  readonly postgres: DatabaseCluster;
  readonly ports?: Partial<Record<ServiceName, number>>;
  /** Extra environment per service, e.g. `{ checkout: { PAYMENT_TIMEOUT_MS: "300" } }`. */
  readonly env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Database name prefix, so several platforms can share one cluster. */
  readonly databasePrefix?: string;
  /** Directory that receives `<service>.log`. */
  readonly logDir?: string;
  readonly onLogLine?: (service: string, line: string) => void;
  /** Run the TypeScript sources (default) or the compiled `dist/` of each service. */
  readonly runtime?: "source" | "dist";
}

/** The four shop services running as processes on loopback, wired to each other and to PostgreSQL. */
export interface Platform {
  readonly urls: Readonly<Record<ServiceName, string>>;
  readonly services: Readonly<Record<ServiceName, ServiceProcess>>;
  stop(): Promise<void>;
}

/** Creates each service's database, starts every service and waits until all of them are ready. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const url = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;
  const prefix = options.databasePrefix ?? "shop";
  const databases = { api: `${prefix}_api`, payments: `${prefix}_payments`, checkout: `${prefix}_checkout` };
  await Promise.all(Object.values(databases).map((name) => options.postgres.createDatabase(name)));
  if (options.logDir) await mkdir(options.logDir, { recursive: true });

  const baseEnv: Record<ServiceName, Record<string, string>> = {
    api: { DATABASE_URL: options.postgres.connectionString(databases.api) },
    payments: {
      DATABASE_URL: options.postgres.connectionString(databases.payments),
      FINGERPRINT_SECRET: LOCAL_SECRETS.fingerprint,
    },
    checkout: {
      DATABASE_URL: options.postgres.connectionString(databases.checkout),
      API_URL: url("api"),
      PAYMENTS_URL: url("payments"),
      FINGERPRINT_SECRET: LOCAL_SECRETS.fingerprint,
    },
    storefront: { API_URL: url("api"), CHECKOUT_URL: url("checkout"), COOKIE_SECRET: LOCAL_SECRETS.cookie },
  };

  const services = Object.fromEntries(
    SERVICE_NAMES.map((name) => [
      name,
      new ServiceProcess({
        name,
        port: ports[name],
        env: { ...baseEnv[name], ...options.env?.[name] },
        logFile: options.logDir ? join(options.logDir, `${name}.log`) : undefined,
        onLogLine: options.onLogLine,
        runtime: options.runtime,
      }),
    ]),
  ) as Record<ServiceName, ServiceProcess>;

  const stop = async () => {
    await Promise.all(SERVICE_NAMES.map((name) => services[name].stop()));
    await Promise.all(SERVICE_NAMES.map((name) => services[name].closeLog()));
  };
  try {
    await Promise.all(SERVICE_NAMES.map((name) => services[name].start()));
    await Promise.all(SERVICE_NAMES.map((name) => waitForOk(`${url(name)}/readyz`, 60_000, `${name} readiness`)));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls: Object.fromEntries(SERVICE_NAMES.map((name) => [name, url(name)])) as Record<ServiceName, string>,
    services,
    stop,
  };
}
