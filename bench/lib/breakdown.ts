import { readdir, readFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** Linux reports process CPU in clock ticks of USER_HZ, which is 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** What the platform looked like at one moment: CPU per process, requests served, pool waits, commits. */
export interface Snapshot {
  readonly at: number;
  readonly cpuMs: Readonly<Record<string, number>>;
  /** PostgreSQL's share of `cpuMs`, by database. */
  readonly postgresCpuMs: Readonly<Record<string, number>>;
  readonly requests: Readonly<Record<string, number>>;
  readonly poolAcquires: Readonly<Record<string, number>>;
  readonly poolWaitSeconds: Readonly<Record<string, number>>;
  /** Transaction ids handed out by the cluster: one per transaction that wrote, i.e. per durable commit. */
  readonly xids: number;
  /** CPU time the whole machine spent busy (every process, the kernel too), from /proc/stat. */
  readonly machineBusyMs: number;
}

export interface BreakdownSources {
  /** Service name → its process id and base URL (its /metrics is read). */
  readonly services: Readonly<Record<string, { pid: number | undefined; url: string }>>;
  /** PostgreSQL's data directory (postmaster.pid names the server; its children are the backends). */
  readonly postgresDataDir: string;
  readonly adminUrl: string;
}

/** Reads CPU time of every service and of PostgreSQL (postmaster and all its children), and each service's counters. */
export async function snapshot(sources: BreakdownSources): Promise<Snapshot> {
  const names = Object.keys(sources.services);
  const [serviceCpu, postgresCpu, metrics, xids, machineBusyMs] = await Promise.all([
    Promise.all(names.map((name) => processCpuMs(sources.services[name]?.pid))),
    // The admin database's backends are this snapshot's own connections.
    postgresCpuByDatabase(sources.postgresDataDir, new URL(sources.adminUrl).pathname.slice(1)),
    Promise.all(names.map((name) => readMetrics(`${sources.services[name]?.url}/metrics`))),
    nextXid(sources.adminUrl),
    machineBusyCpuMs(),
  ]);
  const byName = <T>(values: readonly T[]) => Object.fromEntries(names.map((name, i) => [name, values[i] as T]));
  return {
    at: performance.now(),
    cpuMs: { ...byName(serviceCpu), postgres: Object.values(postgresCpu).reduce((sum, ms) => sum + ms, 0) },
    postgresCpuMs: postgresCpu,
    requests: byName(metrics.map((m) => m.requests)),
    poolAcquires: byName(metrics.map((m) => m.poolAcquires)),
    poolWaitSeconds: byName(metrics.map((m) => m.poolWaitSeconds)),
    xids,
    machineBusyMs,
  };
}

/** Per-checkout costs between two snapshots taken around a phase that completed `checkouts`. */
export interface Breakdown {
  readonly checkouts: number;
  readonly cpuMsPerCheckout: Readonly<Record<string, number>>;
  readonly postgresCpuMsPerCheckout: Readonly<Record<string, number>>;
  readonly cpuCoresBusy: number;
  /** Cores the whole machine kept busy meanwhile; what the shop did not use went to other processes (the load too). */
  readonly machineCoresBusy: number;
  readonly requestsPerCheckout: Readonly<Record<string, number>>;
  readonly commitsPerCheckout: number;
  readonly poolWaitMsPerAcquire: Readonly<Record<string, number>>;
}

export function breakdown(before: Snapshot, after: Snapshot, checkouts: number): Breakdown {
  const per = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) =>
    Object.fromEntries(Object.keys(b).map((name) => [name, ((b[name] ?? 0) - (a[name] ?? 0)) / checkouts]));
  const cpu = per(before.cpuMs, after.cpuMs);
  const seconds = (after.at - before.at) / 1000;
  const cpuTotal = Object.values(cpu).reduce((sum, ms) => sum + ms, 0) * checkouts;
  return {
    checkouts,
    cpuMsPerCheckout: cpu,
    postgresCpuMsPerCheckout: per(before.postgresCpuMs, after.postgresCpuMs),
    cpuCoresBusy: cpuTotal / 1000 / seconds,
    machineCoresBusy: (after.machineBusyMs - before.machineBusyMs) / 1000 / seconds,
    requestsPerCheckout: per(before.requests, after.requests),
    commitsPerCheckout: (after.xids - before.xids) / checkouts,
    poolWaitMsPerAcquire: Object.fromEntries(
      Object.keys(after.poolAcquires).map((name) => {
        const acquires = (after.poolAcquires[name] ?? 0) - (before.poolAcquires[name] ?? 0);
        const waited = (after.poolWaitSeconds[name] ?? 0) - (before.poolWaitSeconds[name] ?? 0);
        return [name, acquires > 0 ? (waited * 1000) / acquires : 0];
      }),
    ),
  };
}

/**
 * Prints the breakdown as a few aligned lines. `commitCpuMs` is what one baseline-B commit cost the whole machine:
 * the checkout/commit ratio is that over what one checkout cost it, so the last line says how many commits' worth of
 * CPU a checkout spends, where, and how many a target ratio allows.
 */
export function printBreakdown(
  b: Breakdown,
  commitCpuMs: number,
  targetRatio: number,
  log: (line: string) => void,
): void {
  const row = (label: string, values: Readonly<Record<string, number>>, digits: number) =>
    `${label.padEnd(30)} ${Object.entries(values)
      .map(([name, value]) => `${name} ${value.toFixed(digits)}`)
      .join("  ")}`;
  const cpuTotal = Object.values(b.cpuMsPerCheckout).reduce((sum, ms) => sum + ms, 0);
  log("");
  const elsewhere = b.machineCoresBusy - b.cpuCoresBusy;
  log(
    `per checkout (${b.checkouts} checkouts, ${b.cpuCoresBusy.toFixed(2)} cores busy on average; the machine ` +
      `${b.machineCoresBusy.toFixed(2)} of ${cpus().length}, so ${elsewhere.toFixed(2)} outside the shop and PostgreSQL)`,
  );
  log(`${row("CPU ms", b.cpuMsPerCheckout, 2)}  total ${cpuTotal.toFixed(2)}`);
  log(row("postgres CPU ms by database", b.postgresCpuMsPerCheckout, 2));
  const exchanges = Object.values(b.requestsPerCheckout).reduce((sum, n) => sum + n, 0);
  log(`${row("HTTP requests served", b.requestsPerCheckout, 2)}  total ${exchanges.toFixed(2)}`);
  log(`${"durable commits (xids)".padEnd(30)} ${b.commitsPerCheckout.toFixed(2)}`);
  log(row("pool wait ms per acquire", b.poolWaitMsPerAcquire, 3));
  const machineMs = (b.machineCoresBusy / b.cpuCoresBusy) * cpuTotal;
  const postgresMs = b.cpuMsPerCheckout.postgres ?? 0;
  const equivalents = (ms: number) => (ms / commitCpuMs).toFixed(1);
  log(
    `${"in baseline-B commits".padEnd(30)} one commit took ${commitCpuMs.toFixed(3)} ms of machine CPU; a checkout ` +
      `${machineMs.toFixed(2)} ms = ${equivalents(machineMs)} commits (PostgreSQL ${equivalents(postgresMs)}, ` +
      `services ${equivalents(cpuTotal - postgresMs)}, the rest ${equivalents(machineMs - cpuTotal)}); ` +
      `${targetRatio}× allows ${(1 / targetRatio).toFixed(1)}`,
  );
}

async function processCpuMs(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND || 0;
}

/**
 * CPU time of PostgreSQL by database: each backend's title (`postgres: <user> <database> <host>(<port>) <state>`)
 * names its database; the postmaster and background processes (WAL writer, checkpointer, I/O workers, autovacuum)
 * count as `background`.
 */
async function postgresCpuByDatabase(dataDir: string, leaveOut: string): Promise<Record<string, number>> {
  const postmaster = Number((await readFile(join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
  const pids = (await readdir("/proc")).filter((entry) => /^\d+$/.test(entry));
  const stats = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/stat`, "utf8").catch(() => "")));
  const byDatabase: Record<string, number> = {};
  for (const stat of stats) {
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const pid = Number(stat.slice(0, stat.indexOf(" ")));
    if (pid !== postmaster && Number(fields[1]) !== postmaster) continue;
    const title = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    const backend = /^postgres: \S+ (\S+) (\S+\(\d+\)|\[local\])/.exec(title.replaceAll("\0", " "));
    const key = pid !== postmaster && backend?.[1] ? backend[1] : "background";
    if (key === leaveOut) continue;
    byDatabase[key] = (byDatabase[key] ?? 0) + ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  }
  return byDatabase;
}

/** Busy CPU time of all cores: every /proc/stat `cpu` field but idle and iowait. */
export async function machineBusyCpuMs(): Promise<number> {
  const total = (await readFile("/proc/stat", "utf8")).split("\n")[0] ?? "";
  const [user, nice, system, , , irq, softirq, steal] = total.split(/\s+/).slice(1).map(Number);
  const ticks = [user, nice, system, irq, softirq, steal].reduce<number>((sum, n) => sum + (n ?? 0), 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

interface ServiceCounters {
  readonly requests: number;
  readonly poolAcquires: number;
  readonly poolWaitSeconds: number;
}

/** Sums the request histogram's counts (scrapes and probes left out) and the pool counters of one service. */
async function readMetrics(url: string): Promise<ServiceCounters> {
  const text = await (await fetch(url)).text();
  let requests = 0;
  let poolAcquires = 0;
  let poolWaitSeconds = 0;
  for (const line of text.split("\n")) {
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (line.startsWith("http_request_duration_seconds_count{")) {
      if (/route="\/(metrics|healthz|readyz)"/.test(line)) continue;
      requests += value;
    } else if (line.startsWith("db_pool_acquires_total")) poolAcquires += value;
    else if (line.startsWith("db_pool_acquire_wait_seconds_total")) poolWaitSeconds += value;
  }
  return { requests, poolAcquires, poolWaitSeconds };
}

/** The next transaction id, read without taking one. */
async function nextXid(adminUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ xid: string }>(
      "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xid",
    );
    return Number(rows[0]?.xid ?? 0);
  } finally {
    await client.end();
  }
}
