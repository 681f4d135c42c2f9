import { type ChildProcess, spawn } from "node:child_process";
import { chown, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { programs } from "./binaries.js";
import type { RunLocation } from "./run-location.js";
import type { Account } from "./server-account.js";

/** What the server needs besides its location. */
export interface ServerSettings {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** `postgres -c` settings. */
  readonly settings: Readonly<Record<string, string>>;
  readonly account?: Account;
  readonly onLog?: (line: string) => void;
}

// Messages in English whatever the machine's locale: readiness is recognised by its log line.
const ENV = { ...process.env, LC_MESSAGES: "C" };
const READY = "database system is ready to accept connections";
const STOP_TIMEOUT_MS = 30_000;
const KEPT_LINES = 40;

/**
 * Creates the cluster with `initdb`: UTF-8, PostgreSQL's own `C.UTF-8` (Unicode case rules, code point order), so
 * every machine sorts and compares text alike whatever locales it has installed.
 */
export async function initialiseCluster(location: RunLocation, server: ServerSettings): Promise<void> {
  const passwordFile = join(location.runDir, "password");
  await writeFile(passwordFile, `${server.password}\n`, { mode: 0o600 });
  if (server.account) await chown(passwordFile, server.account.uid, server.account.gid);
  const child = spawnAs(server.account, programs(location.nativeDir).initdb, location.runDir, [
    `--pgdata=${location.dataDir}`,
    "--auth=password",
    `--username=${server.user}`,
    `--pwfile=${passwordFile}`,
    "--encoding=UTF8",
    "--locale=C",
    "--locale-provider=builtin",
    "--builtin-locale=C.UTF-8",
  ]);
  const output = collectLines(child, (line) => server.onLog?.(line));
  const [code, signal] = await exited(child);
  if (code !== 0) {
    throw new Error(`initdb failed for ${location.dataDir} (${signal ?? `exit code ${code}`}):\n${output.join("\n")}`);
  }
}

/** Starts `postgres` and resolves once it accepts connections; rejects with its output when it exits first. */
export async function startServer(location: RunLocation, server: ServerSettings): Promise<ChildProcess> {
  const flags = Object.entries(server.settings).flatMap(([key, value]) => ["-c", `${key}=${value}`]);
  const child = spawnAs(server.account, programs(location.nativeDir).postgres, location.runDir, [
    "-D",
    location.dataDir,
    "-p",
    String(server.port),
    ...flags,
  ]);
  let ready: () => void = () => undefined;
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const output = collectLines(child, (line) => {
    server.onLog?.(line);
    if (line.includes(READY)) ready();
  });
  const exitedFirst = exited(child).then(([code, signal]) => {
    throw new Error(`postgres exited (${signal ?? `exit code ${code}`}) before it was ready:\n${output.join("\n")}`);
  });
  await Promise.race([isReady, exitedFirst]);
  exitedFirst.catch(() => undefined);
  return child;
}

/** Fast shutdown (SIGINT: open transactions are rolled back), SIGKILL if it hangs. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await done;
  clearTimeout(timer);
}

function spawnAs(account: Account | undefined, program: string, cwd: string, args: string[]): ChildProcess {
  // cwd inside the run directory: the caller's own may be one the account cannot enter.
  return spawn(program, args, {
    cwd,
    env: ENV,
    stdio: ["ignore", "pipe", "pipe"],
    ...(account ? { uid: account.uid, gid: account.gid } : {}),
  });
}

/** Hands every output line to `onLine` and keeps the last ones for an error message. */
function collectLines(child: ChildProcess, onLine: (line: string) => void): string[] {
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream as NodeJS.ReadableStream }).on("line", (line) => {
      lines.push(line);
      if (lines.length > KEPT_LINES) lines.shift();
      onLine(line);
    });
  }
  return lines;
}

function exited(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve([child.exitCode, child.signalCode]);
  return new Promise((resolve, reject) => {
    child.once("exit", (code, signal) => resolve([code, signal]));
    child.once("error", reject);
  });
}
