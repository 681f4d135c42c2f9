import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { captureLogs, createLogger, createPool } from "../src/index.js";

async function waitFor<T>(what: string, probe: () => T | undefined, deadlineMs = 20_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`gave up after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("a dropped database connection", () => {
  const adminUrl = inject("postgresAdminUrl");
  const admin = new pg.Pool({ connectionString: adminUrl, max: 1 });
  afterAll(() => admin.end());

  it("is logged as one line an operator can act on: service, database, code and message", async () => {
    const logs = captureLogs();
    const logger = createLogger({ service: "demo", destination: logs.stream });
    const pool = createPool(adminUrl, logger, 1);
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      client.release();
      await admin.query("SELECT pg_terminate_backend($1)", [rows[0]?.pid]);

      const line = await waitFor("the idle client's error", () =>
        logs.lines.map((text) => JSON.parse(text)).find((entry) => entry.msg === "idle database client failed"),
      );
      expect(line).toMatchObject({
        level: 40,
        service: "demo",
        database: "postgres",
        code: "57P01",
        message: expect.stringContaining("terminat"),
      });
      expect(Object.keys(line).sort()).toEqual(
        ["code", "database", "hostname", "level", "message", "msg", "name", "pid", "service", "time"].sort(),
      );
    } finally {
      await pool.end();
    }
  });

  it("logged as an err keeps PostgreSQL's fields and never the client it came from", async () => {
    const logs = captureLogs();
    const logger = createLogger({ service: "demo", destination: logs.stream });
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    const error = await client.query("SELECT 1/0").catch((caught: unknown) => caught);
    await client.end();
    Object.assign(error as object, { client, socket: { huge: "x".repeat(10_000) } });
    logger.error({ err: error }, "query failed");

    const entry = JSON.parse(logs.lines[0] ?? "{}");
    expect(entry.err).toMatchObject({ type: "DatabaseError", code: "22012", message: "division by zero" });
    expect(entry.err.client).toBeUndefined();
    expect(entry.err.socket).toBeUndefined();
    expect(logs.lines[0]?.length).toBeLessThan(4_000);
  });
});
