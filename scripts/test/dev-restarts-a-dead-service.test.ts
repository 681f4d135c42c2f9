import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@shop/embedded-db";
import { afterEach, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const DEADLINE_MS = 180_000;

/** `npm run dev` in its own process group, as a terminal runs it, on free ports and a throwaway data directory. */
interface Launch {
  readonly npm: ChildProcess;
  readonly paymentsPort: number;
  readonly dataDir: string;
  /** What ran once the shop was open (pid → command line), to clean up even after npm itself is gone. */
  readonly started: Map<number, string>;
  output(): string;
}

const launches: Launch[] = [];

async function launch(): Promise<Launch> {
  const dataDir = await mkdtemp(join(tmpdir(), "dev-launcher-"));
  const base = await freePortRun(4);
  const npm = spawn("npm", ["run", "dev"], {
    cwd: root,
    detached: true,
    env: {
      ...process.env,
      DEV_PORT_BASE: String(base),
      POSTGRES_PORT: String(await freePort()),
      DEV_DATA_DIR: dataDir,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  for (const stream of [npm.stdout, npm.stderr]) stream?.on("data", (chunk) => (output += chunk));
  const dev: Launch = { npm, paymentsPort: base + 3, dataDir, started: new Map(), output: () => output };
  launches.push(dev);
  await until(() => output.includes("The shop is open") || npm.exitCode !== null, "the shop to open");
  expect(output).toContain("The shop is open");
  for (const pid of await descendantsOf(npm.pid as number)) dev.started.set(pid, describeProcess(pid));
  return dev;
}

afterEach(async () => {
  for (const { npm, dataDir, started } of launches.splice(0)) {
    const leftOver = (await living([...started.keys()])).filter((pid) => describeProcess(pid) === started.get(pid));
    for (const pid of new Set([...leftOver, ...(await descendantsOf(npm.pid as number))])) process.kill(pid, "SIGKILL");
    if (npm.exitCode === null && npm.signalCode === null) npm.kill("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  }
});

/** Stops the launcher with `signal` and expects it and every process it started to be gone. */
async function expectStopsEverything(dev: Launch, signal: NodeJS.Signals, group: boolean): Promise<void> {
  const running = await descendantsOf(dev.npm.pid as number);
  expect(running.length).toBeGreaterThan(4);
  const exited = new Promise<number | null>((resolve) => dev.npm.once("exit", resolve));
  process.kill(group ? -(dev.npm.pid as number) : (dev.npm.pid as number), signal);
  expect(await exited).toBe(0);
  await until(() => dev.output().includes("Stopped."), "the launcher to say it stopped");
  // tsx's esbuild helpers end on their own once their parent is gone, so give them a moment.
  await until(
    async () => (await living(running)).length === 0,
    "every process the launcher started to end",
    15_000,
  ).catch(async (error) => {
    throw new Error(`${error.message}; still running: ${(await living(running)).map(describeProcess).join(", ")}`);
  });
}

describe("npm run dev", () => {
  it(
    "reports a SIGKILLed service with its last log lines, restarts it, and Ctrl-C still stops everything",
    async () => {
      const dev = await launch();
      const payments = await findProcess(await descendantsOf(dev.npm.pid as number), "services/payments/src/server.ts");
      process.kill(payments, "SIGKILL");

      await until(() => dev.output().includes("[dev] payments is back"), "the restart report");
      expect(dev.output()).toMatch(
        /\[dev\] payments died \(signal SIGKILL\) after \d+\.\d s; its last log lines:\n {4}\[payments\] /,
      );
      expect(dev.output()).toContain("[dev] restarting payments in 0.5 s (attempt 1)");
      const newPid = Number(/\[dev\] payments is back \(pid (\d+)\)/.exec(dev.output())?.[1]);
      expect(newPid).not.toBe(payments);
      expect((await fetch(`http://127.0.0.1:${dev.paymentsPort}/healthz`)).status).toBe(200);
      // The restarted service runs on the same Node as the launcher (the pinned one under npm).
      expect(await readlink(`/proc/${newPid}/exe`)).toBe(process.execPath);

      // A terminal's Ctrl-C signals the whole foreground process group, services included.
      await expectStopsEverything(dev, "SIGINT", true);
    },
    DEADLINE_MS,
  );

  it(
    "SIGTERM to npm alone, as a process manager or `timeout` sends it, stops everything",
    async () => {
      const dev = await launch();
      await expectStopsEverything(dev, "SIGTERM", false);
    },
    DEADLINE_MS,
  );
});

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = DEADLINE_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Field `index` (1-based, as in proc(5)) of /proc/<pid>/stat, counting from the state after the command name. */
function statField(stat: string, index: number): string | undefined {
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[index - 3];
}

/** `parent`'s children, their children and so on, from /proc. */
async function descendantsOf(parent: number): Promise<number[]> {
  const pids = (await readdir("/proc")).filter((entry) => /^\d+$/.test(entry));
  const stats = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/stat`, "utf8").catch(() => "")));
  const children = pids.filter((_, i) => Number(statField(stats[i] ?? "", 4)) === parent).map(Number);
  const below = await Promise.all(children.map(descendantsOf));
  return [...children, ...below.flat()];
}

/** The pids among `pids` that still run (a zombie has ended: it only waits to be reaped). */
async function living(pids: readonly number[]): Promise<number[]> {
  const stats = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/stat`, "utf8").catch(() => "")));
  return pids.filter((_, i) => stats[i] !== "" && statField(stats[i] ?? "", 3) !== "Z");
}

async function findProcess(pids: number[], commandPart: string): Promise<number> {
  const found = pids.find((pid) => describeProcess(pid).includes(commandPart));
  if (found === undefined) throw new Error(`no process runs ${commandPart}`);
  return found;
}

function describeProcess(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim()}`;
  } catch {
    return String(pid);
  }
}

/** The first of `count` consecutive loopback ports that are all free now. */
async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => isFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no run of ${count} free ports found`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}
