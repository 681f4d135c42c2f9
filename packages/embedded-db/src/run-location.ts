import { chmod, chown, cp, lstat, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { type Account, accountCan } from "./server-account.js";

/** Where one server's programs and data are, as seen by the account that runs it. */
export interface RunLocation {
  /** Root of the PostgreSQL build the server runs from. */
  readonly nativeDir: string;
  readonly dataDir: string;
  /** Scratch directory of this run (password file, copies); removed by `cleanup`. */
  readonly runDir: string;
  /** Removes the run directory, and the data with it when the data belongs to this run. */
  cleanup(): Promise<void>;
}

/** Where relocated data directories live: unlike /tmp, kept across reboots. */
const RELOCATED_DATA_BASE = "/var/tmp";

/**
 * Puts the build and the data where `account` can reach them. As root the server runs as `postgres`, which cannot
 * enter a clone whose parent only root may enter (inside /root, or a `mktemp -d` folder): then the build is copied
 * into the run directory, and a persistent data directory is replaced by one under /var/tmp that a
 * `<dataDir>.location` file points to (so deleting the data directory's parent still gives a fresh cluster).
 */
export async function prepareRunLocation(options: {
  readonly nativeDir: string;
  /** A persistent data directory; a fresh one inside the run directory when omitted. */
  readonly dataDir?: string;
  readonly account?: Account;
}): Promise<RunLocation> {
  const { account } = options;
  const runDir = await mkdtemp(join(reachableTmp(account), "shop-pg-"));
  await handOver(runDir, account);
  const cleanup = () => rm(runDir, { recursive: true, force: true });
  try {
    const nativeDir = await reachableBuild(options.nativeDir, runDir, account);
    const dataDir = options.dataDir
      ? await persistentDataDir(resolve(options.dataDir), account)
      : await freshDataDir(runDir, account);
    return { nativeDir, dataDir, runDir, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function reachableTmp(account: Account | undefined): string {
  return !account || accountCan(account, "-w", tmpdir()) ? tmpdir() : "/tmp";
}

/** Makes `dir` the account's own, mode 700 (root keeps access: it ignores modes). */
async function handOver(dir: string, account: Account | undefined): Promise<void> {
  if (account) await chown(dir, account.uid, account.gid);
  await chmod(dir, 0o700);
}

async function reachableBuild(nativeDir: string, runDir: string, account: Account | undefined): Promise<string> {
  if (!account || accountCan(account, "-x", join(nativeDir, "bin", "postgres"))) return nativeDir;
  const copy = join(runDir, "native");
  // verbatimSymlinks keeps the build's relative library links (libpq.so -> libpq.so.5.18) relative.
  await cp(nativeDir, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

async function freshDataDir(runDir: string, account: Account | undefined): Promise<string> {
  const dataDir = join(runDir, "data");
  await mkdir(dataDir);
  await handOver(dataDir, account);
  return dataDir;
}

async function persistentDataDir(dataDir: string, account: Account | undefined): Promise<string> {
  if (!account) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    return dataDir;
  }
  await mkdir(dirname(dataDir), { recursive: true });
  if (accountCan(account, "-x", dirname(dataDir))) {
    await mkdir(dataDir, { recursive: true });
    await handOver(dataDir, account);
    return dataDir;
  }
  return relocatedDataDir(dataDir, account);
}

async function relocatedDataDir(dataDir: string, account: Account): Promise<string> {
  const pointer = join(dirname(dataDir), `${basename(dataDir)}.location`);
  const previous = await readFile(pointer, "utf8").then(
    (text) => text.trim(),
    () => undefined,
  );
  if (previous && (await ownedPrivatelyBy(previous, account))) return previous;
  const relocated = await mkdtemp(join(RELOCATED_DATA_BASE, "shop-postgres-data-"));
  await handOver(relocated, account);
  await writeFile(pointer, `${relocated}\n`);
  return relocated;
}

/** A directory (not a link) that only `account` may enter: anything else at that path is not ours to reuse. */
async function ownedPrivatelyBy(path: string, account: Account): Promise<boolean> {
  const stats = await lstat(path).catch(() => undefined);
  return !!stats?.isDirectory() && stats.uid === account.uid && (stats.mode & 0o077) === 0;
}
