import pg from "pg";

/** The `postgres -c` settings that make PostgreSQL keep per-statement figures (nested statements too). */
export const STATEMENT_STATS_SETTINGS = {
  shared_preload_libraries: "pg_stat_statements",
  "pg_stat_statements.track": "all",
} as const;

export interface StatementFigures {
  readonly database: string;
  /** Run by a client (true) or by a function such as place_order (false). */
  readonly topLevel: boolean;
  readonly callsPerCheckout: number;
  /** Executor wall time per checkout: CPU, plus waits for locks and for a core on a busy machine. */
  readonly executorMsPerCheckout: number;
  readonly text: string;
}

/** Starts counting from zero (the extension is created in the admin database on first use). */
export async function resetStatementStats(adminUrl: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    await client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await client.query("SELECT pg_stat_statements_reset()");
  });
}

/** The `limit` statements of databases named `<databasePrefix>…` that took the most executor time since the reset. */
export async function topStatements(
  adminUrl: string,
  databasePrefix: string,
  checkouts: number,
  limit: number,
): Promise<StatementFigures[]> {
  return withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{
      datname: string;
      toplevel: boolean;
      calls: string;
      ms: number;
      query: string;
    }>(
      `SELECT d.datname, s.toplevel, s.calls, s.total_exec_time AS ms, s.query
       FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
       WHERE starts_with(d.datname, $1) ORDER BY s.total_exec_time DESC LIMIT $2`,
      [databasePrefix, limit],
    );
    return rows.map((row) => ({
      database: row.datname,
      topLevel: row.toplevel,
      callsPerCheckout: Number(row.calls) / checkouts,
      executorMsPerCheckout: row.ms / checkouts,
      text: row.query.replace(/\s+/g, " "),
    }));
  });
}

export function printStatements(statements: readonly StatementFigures[], log: (line: string) => void): void {
  log("");
  log("PostgreSQL statements of the checkout phase, by executor time per checkout (wall time, so CPU plus waits):");
  log(`${"database".padEnd(16)} ${"calls".padStart(5)} ${"ms".padStart(6)}  statement`);
  for (const s of statements) {
    const where = s.topLevel ? "" : "(in a function) ";
    log(
      `${s.database.padEnd(16)} ${s.callsPerCheckout.toFixed(1).padStart(5)} ${s.executorMsPerCheckout
        .toFixed(3)
        .padStart(6)}  ${where}${s.text.slice(0, 90)}`,
    );
  }
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
