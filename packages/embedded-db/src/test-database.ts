import { randomBytes } from "node:crypto";
import { clusterAt } from "./cluster.js";

/**
 * Creates a fresh database in the cluster at `adminUrl` and returns its URL.
 * Each test file gets its own, so files run in parallel without sharing rows.
 */
export async function createTestDatabase(adminUrl: string, prefix: string): Promise<string> {
  const name = `${prefix.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${randomBytes(4).toString("hex")}`;
  const cluster = clusterAt(adminUrl);
  await cluster.createDatabase(name);
  return cluster.connectionString(name);
}
