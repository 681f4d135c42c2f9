import { spawn } from "node:child_process";
import { access, cp, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const REPO_ROOT = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));
/**
 * Copies into `dest` what a clone there needs to start a database, laid out as npm installed it: this package, tsx
 * and every installed package they depend on (transitively), the running Node executable, and a start script. The
 * copy is self-contained, so another user can run it even when this clone's location is closed to them.
 */
export async function copyEmbeddedDb(dest: string): Promise<void> {
  const seen = new Set<string>();
  const pending = [join(REPO_ROOT, "packages", "embedded-db"), join(REPO_ROOT, "node_modules", "tsx")];
  for (let dir = pending.pop(); dir; dir = pending.pop()) {
    if (seen.has(dir)) continue;
    seen.add(dir);
    await cp(dir, join(dest, relative(REPO_ROOT, dir)), { recursive: true, verbatimSymlinks: true });
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      const found = await installedPackage(dir, name);
      if (found) pending.push(found);
    }
  }
  await cp(process.execPath, join(dest, "node"));
  await writeFile(join(dest, "start-db.mts"), START_SCRIPT);
}

/** Where Node would find `name` from `fromDir`: the nearest node_modules up to the repository root. */
async function installedPackage(fromDir: string, name: string): Promise<string | undefined> {
  for (let dir = fromDir; dir.startsWith(REPO_ROOT); dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (
      await access(candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate;
    if (dir === REPO_ROOT) break;
  }
  return undefined;
}

// Starts the copy's database (in argv[2] when given), counts a visit in it, and prints what it saw.
const START_SCRIPT = `
import { stat } from "node:fs/promises";
import pg from "pg";
import { startEmbeddedPostgres } from "./packages/embedded-db/src/index.ts";
const db = await startEmbeddedPostgres(process.argv[2] ? { dataDir: process.argv[2] } : {});
try {
  const client = new pg.Client({ connectionString: db.connectionString("postgres") });
  await client.connect();
  await client.query("CREATE TABLE IF NOT EXISTS visits (at timestamptz DEFAULT now())");
  await client.query("INSERT INTO visits DEFAULT VALUES");
  const { rows } = await client.query("SELECT count(*)::int AS visits, current_setting('data_directory') AS served FROM visits");
  await client.end();
  const owner = (await stat(db.dataDir)).uid;
  console.log(JSON.stringify({ ...rows[0], dataDir: db.dataDir, owner }));
} finally {
  await db.stop();
}
`;

export interface StartReport {
  readonly visits: number;
  /** The data directory the server says it serves. */
  readonly served: string;
  /** The one startEmbeddedPostgres reported. */
  readonly dataDir: string;
  /** Owner uid of the data directory. */
  readonly owner: number;
}

/** Runs the copy's start script (optionally as another user through `runuser`) and parses its report. */
export async function startFromCopy(
  dest: string,
  options: { dataDir?: string; asUser?: string } = {},
): Promise<StartReport> {
  const tsx = pathToFileURL(join(dest, "node_modules", "tsx", "dist", "loader.mjs")).href;
  const script = [join(dest, "start-db.mts"), ...(options.dataDir ? [options.dataDir] : [])];
  const node = join(dest, "node");
  const nodeArgs = ["--import", tsx, ...script];
  const [command, args] = options.asUser
    ? ["runuser", ["-u", options.asUser, "--", node, ...nodeArgs]]
    : [node, nodeArgs];
  const child = spawn(command, args, { cwd: dest, env: { ...process.env, TMPDIR: "/tmp" }, stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`start-db.mts in ${dest} exited with ${code}:\n${stderr}\n${stdout}`);
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "");
}
