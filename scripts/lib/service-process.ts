import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** How to run one service as its own process. */
export interface ServiceSpec {
  readonly name: string;
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
  /** Each JSON log line the service prints, already parsed when it is JSON. */
  readonly onLogLine?: (service: string, line: string) => void;
  /** File that receives the raw log lines. */
  readonly logFile?: string;
  /** `source` runs src/server.ts through tsx; `dist` runs the compiled dist/server.js as production does. */
  readonly runtime?: "source" | "dist";
}

/** How a service's process ended: an exit code, or the signal that killed it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Raw log lines kept for a report when the process dies. */
const RECENT_LINES = 20;

/** One shop service running as a child process, as it would in a container. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private exited: Promise<ProcessExit> = Promise.resolve({ code: null, signal: null });
  private recent: string[] = [];
  private peakRssBytes = 0;

  constructor(readonly spec: ServiceSpec) {}

  get url(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and resolves once `/healthz` answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    const args =
      this.spec.runtime === "dist"
        ? [`services/${this.spec.name}/dist/server.js`]
        : ["--conditions=source", "--import", "tsx", `services/${this.spec.name}/src/server.ts`];
    this.log ??= this.spec.logFile ? createWriteStream(this.spec.logFile, { flags: "a" }) : undefined;
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.spec.env, HOST: "127.0.0.1", PORT: String(this.spec.port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    this.recent = [];
    const stderr: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream as NodeJS.ReadableStream }).on("line", (line) => {
        this.log?.write(`${line}\n`);
        this.recent.push(line);
        if (this.recent.length > RECENT_LINES) this.recent.shift();
        if (stream === child.stderr) stderr.push(line);
        this.spec.onLogLine?.(this.spec.name, line);
      });
    }
    this.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const exitedEarly = this.exited.then(({ code, signal }) => {
      const how = signal ? `signal ${signal}` : `code ${code}`;
      throw new Error(`${this.spec.name} exited with ${how} before it was healthy:\n${stderr.join("\n")}`);
    });
    await Promise.race([waitForOk(`${this.url}/healthz`, timeoutMs, this.spec.name), exitedEarly]);
    exitedEarly.catch(() => undefined);
  }

  /** Sends SIGTERM and waits for a graceful exit; SIGKILL after `timeoutMs`. Resolves with the exit code. */
  async stop(timeoutMs = 15_000): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const { code } = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** Resolves when the current process ends, however it ends (at once when none is running). */
  whenExited(): Promise<ProcessExit> {
    return this.exited;
  }

  /** The last log lines the current (or last) process printed, stdout and stderr, raw, oldest first. */
  recentLogLines(): readonly string[] {
    return [...this.recent];
  }

  /** Kills the process at once, as a crash or an OOM kill would. */
  async kill(): Promise<void> {
    this.child?.kill("SIGKILL");
    await this.exited;
  }

  /** Current resident set size in bytes (Linux), and the peak seen by any call so far. */
  async sampleRss(): Promise<{ current: number; peak: number }> {
    const pid = this.child?.pid;
    if (!pid || this.child?.exitCode !== null) return { current: 0, peak: this.peakRssBytes };
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    const current = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    this.peakRssBytes = Math.max(this.peakRssBytes, current);
    return { current, peak: this.peakRssBytes };
  }

  async closeLog(): Promise<void> {
    const log = this.log;
    this.log = undefined;
    if (log) await new Promise<void>((resolve) => log.end(resolve));
  }
}

/** Polls `url` until it answers 2xx, or fails naming what it waited for. */
export async function waitForOk(url: string, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
      last = `HTTP ${response.status}: ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not become healthy at ${url} within ${timeoutMs} ms (last: ${last})`);
}
