import pg from "pg";

/**
 * Baseline B: single-row INSERT transactions per second with `concurrency` connections for `durationMs`,
 * the commit rate that bounds any write path on this PostgreSQL.
 */
export async function measureCommitRate(connectionString: string, concurrency: number, durationMs: number) {
  const pool = new pg.Pool({ connectionString, max: concurrency });
  await pool.query("CREATE TABLE IF NOT EXISTS bench_commits (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())");
  const latencies: number[] = [];
  const deadline = Date.now() + durationMs;
  const worker = async () => {
    const client = await pool.connect();
    try {
      while (Date.now() < deadline) {
        const start = performance.now();
        await client.query("BEGIN");
        await client.query("INSERT INTO bench_commits DEFAULT VALUES");
        await client.query("COMMIT");
        latencies.push(performance.now() - start);
      }
    } finally {
      client.release();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    name: "baseline B: INSERT commit",
    requestsPerSecond: latencies.length / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    completed: latencies.length,
    failures: 0,
  };
}
