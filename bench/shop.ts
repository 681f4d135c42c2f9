import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { freePort, startEmbeddedPostgres } from "@shop/embedded-db";
import pg from "pg";
import { SERVICE_NAMES, type ServiceName, startPlatform } from "../scripts/lib/platform.js";
import { waitForOk } from "../scripts/lib/service-process.js";
import { loadPipelineConfig } from "../src/config/load.js";
import { type Breakdown, breakdown, machineBusyCpuMs, printBreakdown, snapshot } from "./lib/breakdown.js";
import { measureCommitRate } from "./lib/commit-rate.js";
import { alternate, type LoadOptions, type PhaseResult, runLoad, warmUp } from "./lib/load.js";
import { printCeiling, printReport, TARGETS } from "./lib/report.js";
import { startSkeleton } from "./lib/skeleton.js";
import { printStatements, resetStatementStats, STATEMENT_STATS_SETTINGS, topStatements } from "./lib/statements.js";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const MAX_CHECKOUTS = Number(process.env.BENCH_MAX_CHECKOUTS ?? 3000);
const WARMUP_SECONDS = 2;
/** Baseline A and the catalog alternate this many times, SECONDS / 2 each. */
const ROUNDS = 3;
/**
 * The services run with the NODE_OPTIONS their pods get from pipeline.yaml's env: V8 grows each service's young
 * generation to 2 × 32 MB under sustained allocation (the catalog phase, the cart preparation), which alone took
 * api past 150 MB, and pipeline.yaml caps it.
 */
const pipeline = await loadPipelineConfig("pipeline.yaml");
const nodeOptions = (name: ServiceName) =>
  process.env.BENCH_SERVICE_NODE_OPTIONS ?? pipeline.services[name]?.env.NODE_OPTIONS ?? "";
const NODE_OPTIONS = SERVICE_NAMES.map((name) => `${name}: "${nodeOptions(name)}"`).join(", ");
const log = (message: string) => process.stdout.write(`${message}\n`);

log(`bench:shop — ${CONNECTIONS} connections, ${SECONDS} s per phase, loopback only, NODE_OPTIONS ${NODE_OPTIONS}`);
const postgres = await startEmbeddedPostgres({ settings: STATEMENT_STATS_SETTINGS });
const ports = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (name) => [name, await freePort()])));
const quiet = (name: ServiceName) => ({ LOG_LEVEL: "warn", NODE_OPTIONS: nodeOptions(name) });
const platform = await startPlatform({
  postgres,
  ports,
  databasePrefix: "bench",
  runtime: "dist",
  env: {
    api: quiet("api"),
    payments: quiet("payments"),
    checkout: { ...quiet("checkout"), RECONCILE_INTERVAL_MS: "0" },
    storefront: quiet("storefront"),
  },
});
const baselinePort = await freePort();
const baseline = spawn(process.execPath, ["--import", "tsx", "bench/baseline-server.ts"], {
  env: { ...process.env, PORT: String(baselinePort) },
  stdio: "inherit",
});

const rssTimer = setInterval(() => {
  for (const name of SERVICE_NAMES) void platform.services[name].sampleRss();
}, 250);

try {
  await waitForOk(`http://127.0.0.1:${baselinePort}/constant`, 20_000, "baseline server");
  const phases: PhaseResult[] = [];

  log(`phase 1/4: baseline A (a bare Fastify route returning a constant) and the catalog list, ${ROUNDS} rounds each`);
  const catalog = await alternate(
    {
      name: "baseline A: bare Fastify",
      url: `http://127.0.0.1:${baselinePort}/constant`,
      connections: CONNECTIONS,
      durationSeconds: SECONDS / 2,
    },
    {
      name: "catalog list",
      url: `${platform.urls.api}/products?limit=20`,
      connections: CONNECTIONS,
      durationSeconds: SECONDS / 2,
    },
    ROUNDS,
    WARMUP_SECONDS,
  );

  log("phase 2/4: baseline B, single-row INSERT transactions on the same PostgreSQL");
  await postgres.createDatabase("bench_baseline");
  const busyBeforeCommits = await machineBusyCpuMs();
  const commits = await measureCommitRate(postgres.connectionString("bench_baseline"), CONNECTIONS, SECONDS * 1000);
  const commitCpuMs = ((await machineBusyCpuMs()) - busyBeforeCommits) / commits.completed;
  phases.push(catalog.first, commits, catalog.second);

  log(`phase 3/4: full checkouts (preparing up to ${MAX_CHECKOUTS} carts first)`);
  const cartIds = await prepareCarts(platform.urls.api, postgres.connectionString("bench_api"), MAX_CHECKOUTS);
  let next = 0;
  const sources = {
    services: Object.fromEntries(
      SERVICE_NAMES.map((name) => [name, { pid: platform.services[name].pid, url: platform.urls[name] }]),
    ),
    postgresDataDir: postgres.dataDir,
    adminUrl: postgres.connectionString("postgres"),
  };
  await resetStatementStats(sources.adminUrl);
  const before = await snapshot(sources);
  phases.push(
    await runLoad({
      name: "checkout (reserve → charge → confirm)",
      url: platform.urls.checkout,
      connections: CONNECTIONS,
      durationSeconds: SECONDS,
      maxRequests: cartIds.length,
      method: "POST",
      okStatuses: [201],
      nextRequest: () => {
        const cartId = cartIds[next++];
        if (!cartId) return undefined;
        return {
          path: "/checkout",
          headers: { "idempotency-key": `bench-${randomUUID()}` },
          body: JSON.stringify({
            cartId,
            card: { number: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" },
          }),
        };
      },
    }),
  );

  const checkoutPhase = phases[phases.length - 1];
  const perCheckout: Breakdown = breakdown(before, await snapshot(sources), checkoutPhase?.completed || 1);
  const statements = await topStatements(sources.adminUrl, "bench_", checkoutPhase?.completed || 1, 16);

  log("phase 4/4: the checkout's skeleton, the same requests and commits with none of the logic");
  const skeleton = await startSkeleton(postgres);
  let skeletonCpuMs: number;
  try {
    const load: LoadOptions = {
      name: "checkout skeleton (same shape, no logic)",
      url: `${skeleton.url}/checkout`,
      connections: CONNECTIONS,
      durationSeconds: SECONDS,
      maxRequests: MAX_CHECKOUTS,
      method: "POST",
      body: JSON.stringify({ cartId: randomUUID() }),
    };
    await warmUp(load, WARMUP_SECONDS);
    const busyBeforeSkeleton = await machineBusyCpuMs();
    const skeletonPhase = await runLoad(load);
    skeletonCpuMs = ((await machineBusyCpuMs()) - busyBeforeSkeleton) / (skeletonPhase.completed || 1);
    phases.push(skeletonPhase);
  } finally {
    await skeleton.stop();
  }

  const rss = Object.fromEntries(
    await Promise.all(SERVICE_NAMES.map(async (name) => [name, (await platform.services[name].sampleRss()).peak])),
  ) as Record<ServiceName, number>;
  const missed = printReport(phases, catalog.ratios, rss, log);
  printBreakdown(perCheckout, commitCpuMs, TARGETS.checkoutVsB, log);
  printCeiling(phases, skeletonCpuMs / commitCpuMs, perCheckout.commitsPerCheckout, log);
  printStatements(statements, log);
  process.exitCode = missed ? 1 : 0;
} finally {
  clearInterval(rssTimer);
  baseline.kill("SIGTERM");
  await platform.stop();
  await postgres.stop();
}

/** Creates `count` one-item carts spread over the whole catalog, with enough stock for every one of them. */
async function prepareCarts(apiUrl: string, apiDatabaseUrl: string, count: number): Promise<string[]> {
  const db = new pg.Client({ connectionString: apiDatabaseUrl });
  await db.connect();
  await db.query("UPDATE products SET stock = $1", [count]);
  const skus = (await db.query<{ sku: string }>("SELECT sku FROM products ORDER BY sku")).rows.map((row) => row.sku);
  await db.end();
  const cartIds: string[] = [];
  const worker = async () => {
    while (cartIds.length < count) {
      const cart = await post(`${apiUrl}/carts`, {});
      cartIds.push(cart.id);
      await post(`${apiUrl}/carts/${cart.id}/items`, { sku: skus[cartIds.length % skus.length], quantity: 1 });
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  return cartIds.slice(0, count);
}

async function post(url: string, body: unknown): Promise<{ id: string }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response.json() as Promise<{ id: string }>;
}
