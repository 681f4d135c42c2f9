import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { ClusterError } from "./errors.js";

/** A component process started by the cluster, as recorded in the run directory's state. */
export interface ProcessRecord {
  readonly name: string;
  readonly pid: number;
  /** Absolute path of the binary, checked before signalling so a reused pid is never hit. */
  readonly bin: string;
  readonly logFile: string;
}

/** A started process plus a promise that settles if it exits, for fail-fast waits. */
export interface StartedProcess {
  readonly record: ProcessRecord;
  /** Rejects with the exit code and the tail of the log when the process stops. */
  readonly exited: Promise<never>;
}

/**
 * Starts `bin` detached from this process (it outlives `up`), with its output appended to `logFile`; `env` is merged
 * over this process's environment.
 */
export function startProcess(
  name: string,
  bin: string,
  args: readonly string[],
  logFile: string,
  env: Readonly<Record<string, string>> = {},
): StartedProcess {
  const fd = openSync(logFile, "a");
  try {
    const child = spawn(bin, args, { detached: true, stdio: ["ignore", fd, fd], env: { ...process.env, ...env } });
    if (child.pid === undefined) throw new ClusterError("start", `could not start ${name} (${bin})`, { logFile });
    const record: ProcessRecord = { name, pid: child.pid, bin, logFile };
    const exited = new Promise<never>((_, reject) => {
      child.once("exit", (code, signal) => {
        void logTail(logFile).then((tail) =>
          reject(
            new ClusterError(
              "start",
              `${name} exited (${signal ?? `code ${code}`}); last lines of ${logFile}:\n${tail}`,
              {
                logFile,
              },
            ),
          ),
        );
      });
      child.once("error", (error) =>
        reject(new ClusterError("start", `could not start ${name}: ${error.message}`, { cause: error, logFile })),
      );
    });
    // A caller that never waits must not see an unhandled rejection when the process is stopped later.
    exited.catch(() => {});
    child.unref();
    return { record, exited };
  } finally {
    closeSync(fd);
  }
}

/** Whether the pid is alive and still runs the recorded binary. */
export async function isRunning(record: ProcessRecord): Promise<boolean> {
  try {
    const [cmdline, stat] = await Promise.all([
      readFile(`/proc/${record.pid}/cmdline`, "utf8"),
      readFile(`/proc/${record.pid}/stat`, "utf8"),
    ]);
    // Field 3 of stat is the state; a zombie has exited and only waits to be reaped.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return cmdline.split("\0")[0] === record.bin && state !== "Z";
  } catch {
    return false;
  }
}

/** Stops a recorded process: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopProcess(
  record: ProcessRecord,
  graceMs = 10_000,
): Promise<"stopped" | "killed" | "not running"> {
  if (!(await isRunning(record))) return "not running";
  process.kill(record.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(100);
    if (await exitedCompletely(record)) return "stopped";
  }
  process.kill(record.pid, "SIGKILL");
  while (!(await exitedCompletely(record))) await sleep(50);
  return "killed";
}

// The leader thread of a Go program shows as a zombie while its other threads are still exiting and holding the
// shared file table (listening sockets among it); only when they are gone too is its port free again.
async function exitedCompletely(record: ProcessRecord): Promise<boolean> {
  try {
    const [stat, tasks] = await Promise.all([
      readFile(`/proc/${record.pid}/stat`, "utf8"),
      readdir(`/proc/${record.pid}/task`),
    ]);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (state === "Z") return tasks.length <= 1;
    return !(await isRunning(record)); // alive: ours still, or the pid was reaped and reused
  } catch {
    return true; // reaped: /proc/<pid> is gone
  }
}

/** The last lines of a log file, for error messages. */
export async function logTail(file: string, lines = 15): Promise<string> {
  try {
    return (await readFile(file, "utf8")).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
