import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type DatabaseCluster, freePort } from "@shop/embedded-db";
import { waitForOk } from "../../scripts/lib/service-process.js";

/**
 * The checkout path's shape: who serves how many requests and makes how many durable commits per checkout. It mirrors
 * what bench:shop's breakdown measures for the real path (4 requests served, 8 commits); when that changes, change this.
 */
export const CHECKOUT_SHAPE = {
  /** Commits per request: checkout serves 1 request, api 2 (create the order, mark it paid), payments 1. */
  commitsPerRequest: { checkout: 3, api: 1, payments: 3 },
  requests: { checkout: 1, api: 2, payments: 1 },
} as const;

const ROLES = ["checkout", "api", "payments"] as const;
export const SHAPE_REQUESTS = ROLES.reduce((sum, role) => sum + CHECKOUT_SHAPE.requests[role], 0);
export const SHAPE_COMMITS = ROLES.reduce(
  (sum, role) => sum + CHECKOUT_SHAPE.requests[role] * CHECKOUT_SHAPE.commitsPerRequest[role],
  0,
);

const SERVER = fileURLToPath(new URL("../skeleton-server.ts", import.meta.url));
/** The repository root, where `--import tsx` resolves. */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface RunningSkeleton {
  /** POST `${url}/checkout` runs one skeleton checkout. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts the checkout's skeleton: three processes (bench/skeleton-server.ts) that serve the same requests and make the
 * same commits as the real checkout path, each in its own database of `cluster` (`<databasePrefix>_<role>`), with no
 * validation, idempotency or domain logic. Its rate is the most any checkout of this shape could reach on this machine.
 */
export async function startSkeleton(
  cluster: DatabaseCluster,
  databasePrefix = "bench_skeleton",
): Promise<RunningSkeleton> {
  const ports = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, await freePort()]))) as Record<
    (typeof ROLES)[number],
    number
  >;
  const url = (role: (typeof ROLES)[number]) => `http://127.0.0.1:${ports[role]}`;
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
    );
  };
  try {
    for (const role of ROLES) {
      const database = `${databasePrefix}_${role}`;
      await cluster.createDatabase(database);
      const child = spawn(process.execPath, ["--import", "tsx", SERVER], {
        env: {
          ...process.env,
          ROLE: role,
          COMMITS: String(CHECKOUT_SHAPE.commitsPerRequest[role]),
          PORT: String(ports[role]),
          DATABASE_URL: cluster.connectionString(database),
          API_URL: url("api"),
          PAYMENTS_URL: url("payments"),
        },
        cwd: ROOT,
        stdio: ["ignore", "inherit", "inherit"],
      });
      children.push(child);
    }
    await Promise.all(ROLES.map((role) => waitForOk(`${url(role)}/healthz`, 20_000, `skeleton ${role}`)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: url("checkout"), stop };
}
