import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import type { Logger } from "pino";
import { Counter, Gauge, type Registry } from "prom-client";

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/**
 * A connection pool whose idle-client errors are logged instead of crashing the process: one line with the
 * service, the database, the error code and message (the error itself drags the whole pg client along).
 */
export function createPool(connectionString: string, logger: Logger, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  const where = { service: logger.bindings().name, database: databaseName(connectionString) };
  pool.on("error", (error: Error & { code?: string }) =>
    logger.warn({ ...where, code: error.code ?? "unknown", message: error.message }, "idle database client failed"),
  );
  return pool;
}

/**
 * Counts the pool's connection acquisitions and the time callers waited for one (`db_pool_acquires_total`,
 * `db_pool_acquire_wait_seconds_total`), and shows its clients by state (`db_pool_clients`), so a pool that is too
 * small shows up as waiting instead of as unexplained latency.
 */
export function instrumentPool(pool: pg.Pool, registry: Registry): void {
  const acquires = new Counter({
    name: "db_pool_acquires_total",
    help: "Database connections taken from the pool",
    registers: [registry],
  });
  const waited = new Counter({
    name: "db_pool_acquire_wait_seconds_total",
    help: "Time spent waiting for a pooled database connection",
    registers: [registry],
  });
  new Gauge({
    name: "db_pool_clients",
    help: "Pooled database connections by state",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      this.set({ state: "total" }, pool.totalCount);
      this.set({ state: "idle" }, pool.idleCount);
      this.set({ state: "waiting" }, pool.waitingCount);
    },
  });
  const connect = pool.connect.bind(pool) as (callback: ConnectCallback) => void;
  const acquired = (started: number) => {
    acquires.inc();
    waited.inc((performance.now() - started) / 1000);
  };
  // pool.query() takes its connection through this.connect(callback), so both forms pass through here.
  pool.connect = ((callback?: ConnectCallback) => {
    const started = performance.now();
    if (callback) {
      return connect((error, client, done) => {
        acquired(started);
        callback(error, client, done);
      });
    }
    return new Promise<pg.PoolClient>((resolve, reject) =>
      connect((error, client) => {
        acquired(started);
        if (error) reject(error);
        else resolve(client);
      }),
    );
  }) as typeof pool.connect;
}

type ConnectCallback = (error: Error | undefined, client: pg.PoolClient, done: (release?: unknown) => void) => void;

function databaseName(connectionString: string): string {
  try {
    return decodeURIComponent(new URL(connectionString).pathname.slice(1)) || "(default)";
  } catch {
    return "(unparsable connection string)";
  }
}

/** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const MIGRATION_LOCK = 727_001;

/**
 * Applies the `*.sql` files of `directory` in name order, each once, in its own transaction.
 * Safe to re-run and to run from several instances at once (an advisory lock serialises them).
 */
export async function runMigrations(pool: pg.Pool, directory: string, logger: Logger): Promise<string[]> {
  const files = (await readdir(directory)).filter((name) => name.endsWith(".sql")).sort();
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const done = new Set(
      (await client.query<{ name: string }>("SELECT name FROM schema_migrations")).rows.map((r) => r.name),
    );
    const applied: string[] = [];
    for (const name of files.filter((file) => !done.has(file))) {
      const sql = await readFile(join(directory, name), "utf8");
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query("INSERT INTO schema_migrations (name) VALUES ($1)", [name]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${name} failed: ${(error as Error).message}`, { cause: error });
      }
      logger.info({ migration: name }, "migration applied");
      applied.push(name);
    }
    return applied;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
