import type { TestProject } from "vitest/node";
import { type RunningPostgres, startEmbeddedPostgres } from "../../packages/embedded-db/src/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL cluster that every test file shares (each file makes its own database). */
    postgresAdminUrl: string;
  }
}

let postgres: RunningPostgres | undefined;

/** One real PostgreSQL for the whole run; tests create their own databases in it. */
export async function setup(project: TestProject) {
  postgres = await startEmbeddedPostgres({ settings: { fsync: "off", synchronous_commit: "off" } });
  project.provide("postgresAdminUrl", postgres.connectionString("postgres"));
}

export async function teardown() {
  await postgres?.stop();
}
