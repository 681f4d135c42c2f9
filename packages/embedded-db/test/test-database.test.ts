import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { createTestDatabase } from "../src/index.js";

describe("createTestDatabase", () => {
  it("gives each caller its own empty database in the shared cluster", async () => {
    const adminUrl = inject("postgresAdminUrl");
    const [first, second] = await Promise.all([
      createTestDatabase(adminUrl, "demo"),
      createTestDatabase(adminUrl, "demo"),
    ]);
    expect(first).not.toBe(second);
    const client = new pg.Client({ connectionString: first });
    await client.connect();
    await client.query("CREATE TABLE t (n int)");
    const name = (await client.query("SELECT current_database() AS name")).rows[0].name;
    await client.end();
    expect(first.endsWith(`/${name}`)).toBe(true);
    const other = new pg.Client({ connectionString: second });
    await other.connect();
    const tables = await other.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 't'");
    await other.end();
    expect(tables.rows[0].n).toBe(0);
  });
});
