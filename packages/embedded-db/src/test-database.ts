import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * Creates a fresh database in the cluster at `adminUrl` and returns its URL.
 * Each test file gets its own, so files run in parallel without sharing rows.
 */
export async function createTestDatabase(adminUrl: string, prefix: string): Promise<string> {
  const name = `${prefix.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
