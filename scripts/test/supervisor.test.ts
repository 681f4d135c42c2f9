import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { BackoffPolicy } from "../lib/restart-backoff.js";
import type { ProcessExit } from "../lib/service-process.js";
import { type SupervisedProcess, type SupervisorEvent, supervise } from "../lib/supervisor.js";

const KILLED: ProcessExit = { code: null, signal: "SIGKILL" };

/** A service's process without the process: the test decides when it dies and whether a start gets healthy. */
class ScriptedProcess implements SupervisedProcess {
  readonly spec = { name: "payments", port: 0, env: {} };
  pid: number | undefined;
  starts = 0;
  /** How many of the next starts die before they are healthy. */
  failingStarts = 0;
  /** A start that never gets healthy by itself, as one stuck on its database would. */
  hangOnStart = false;
  private exit: ((exit: ProcessExit) => void) | undefined;
  private exited: Promise<ProcessExit> = Promise.resolve({ code: null, signal: null });

  constructor() {
    this.spawn();
  }

  get running(): boolean {
    return this.exit !== undefined;
  }

  async start(): Promise<void> {
    this.starts++;
    this.spawn();
    if (this.failingStarts > 0) {
      this.failingStarts--;
      this.die({ code: 1, signal: null });
      throw new Error("payments exited with code 1 before it was healthy:\nEADDRINUSE");
    }
    if (this.hangOnStart) {
      await this.exited;
      throw new Error("payments exited with signal SIGTERM before it was healthy:");
    }
  }

  async stop(): Promise<number | null> {
    this.die({ code: 0, signal: null });
    return (await this.exited).code;
  }

  async kill(): Promise<void> {
    this.die(KILLED);
    await this.exited;
  }

  whenExited(): Promise<ProcessExit> {
    return this.exited;
  }

  recentLogLines(): readonly string[] {
    return [`{"level":30,"msg":"run ${this.starts}"}`];
  }

  die(exit: ProcessExit): void {
    this.exit?.(exit);
    this.exit = undefined;
  }

  private spawn(): void {
    this.pid = 1000 + this.starts;
    this.exited = new Promise((resolve) => {
      this.exit = resolve;
    });
  }
}

/** Supervises one scripted process; `afterRestart` runs on each "restarted" event (e.g. to crash it again). */
function supervised(backoff: BackoffPolicy, afterRestart: (process: ScriptedProcess) => void = () => undefined) {
  const process = new ScriptedProcess();
  const events: SupervisorEvent[] = [];
  const supervisor = supervise([process], {
    backoff,
    onEvent: (event) => {
      events.push(event);
      if (event.type === "restarted") queueMicrotask(() => afterRestart(process));
    },
  });
  const restarted = () => events.filter((event) => event.type === "restarted").length;
  return { process, events, supervisor, restarted };
}

const summary = (events: readonly SupervisorEvent[]) =>
  events.map((event) => (event.type === "restarting" ? `restarting ${event.delayMs} #${event.attempt}` : event.type));

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(10);
  }
}

describe("supervise", () => {
  it("reports each death with its last lines and restarts with a delay that doubles while the service keeps dying", async () => {
    let crashes = 3;
    const { process, events, supervisor, restarted } = supervised(
      { initialMs: 20, maxMs: 80, resetAfterMs: 60_000 },
      (crashing) => crashes-- > 0 && crashing.die(KILLED),
    );
    process.die(KILLED);
    await until(() => restarted() === 4, "four restarts");
    await supervisor.stop();

    expect(summary(events)).toEqual([
      "exited",
      "restarting 20 #1",
      "restarted",
      "exited",
      "restarting 40 #2",
      "restarted",
      "exited",
      "restarting 80 #3",
      "restarted",
      "exited",
      "restarting 80 #4",
      "restarted",
    ]);
    expect(events[0]).toMatchObject({ exit: KILLED, lastLines: ['{"level":30,"msg":"run 0"}'] });
    expect(events[2]).toMatchObject({ type: "restarted", pid: 1001 });
  });

  it("reports a restart that fails with the reason and the last lines, and retries it on the same backoff", async () => {
    const { process, events, supervisor, restarted } = supervised({
      initialMs: 20,
      maxMs: 1_000,
      resetAfterMs: 60_000,
    });
    process.failingStarts = 2;
    process.die({ code: 1, signal: null });
    await until(() => restarted() === 1, "the restart that works");
    await supervisor.stop();

    expect(summary(events)).toEqual([
      "exited",
      "restarting 20 #1",
      "restart-failed",
      "restarting 40 #2",
      "restart-failed",
      "restarting 80 #3",
      "restarted",
    ]);
    expect(events[2]).toMatchObject({
      reason: "payments exited with code 1 before it was healthy:\nEADDRINUSE",
      lastLines: ['{"level":30,"msg":"run 1"}'],
    });
    expect(process.starts).toBe(3);
  });

  it("starts from the first delay again after a run that lasted resetAfterMs", async () => {
    let crashes = 1;
    const { process, events, supervisor, restarted } = supervised(
      { initialMs: 20, maxMs: 1_000, resetAfterMs: 1_000 },
      (crashing) => crashes-- > 0 && crashing.die(KILLED),
    );
    process.die(KILLED);
    await until(() => restarted() === 2, "two quick restarts");
    // Longer than resetAfterMs: a slow machine only makes the run longer, never shorter.
    await sleep(1_500);
    process.die(KILLED);
    await until(() => restarted() === 3, "the restart after a healthy run");
    await supervisor.stop();

    expect(summary(events).filter((line) => line.startsWith("restarting"))).toEqual([
      "restarting 20 #1",
      "restarting 40 #2",
      "restarting 20 #1",
    ]);
  });

  it("stop cancels a restart that is waiting out its delay", async () => {
    const { process, events, supervisor } = supervised({ initialMs: 600_000, maxMs: 600_000, resetAfterMs: 60_000 });
    process.die(KILLED);
    await until(() => events.some((event) => event.type === "restarting"), "the restart to be planned");
    await supervisor.stop();

    expect(summary(events)).toEqual(["exited", "restarting 600000 #1"]);
    expect(process.starts).toBe(0);
  });

  it("stop ends a restart in progress without reporting it as failed, and nothing is left running", async () => {
    const { process, events, supervisor } = supervised({ initialMs: 20, maxMs: 1_000, resetAfterMs: 60_000 });
    process.hangOnStart = true;
    process.die(KILLED);
    await until(() => process.starts === 1, "the restart to begin");
    await supervisor.stop();

    expect(summary(events)).toEqual(["exited", "restarting 20 #1"]);
    expect(process.running).toBe(false);
    expect(process.starts).toBe(1);
  });

  it("a service stopped by stop() is not reported as dead nor restarted", async () => {
    const { process, events, supervisor } = supervised({ initialMs: 20, maxMs: 1_000, resetAfterMs: 60_000 });
    await supervisor.stop();
    await sleep(100);

    expect(events).toEqual([]);
    expect(process.running).toBe(false);
    expect(process.starts).toBe(0);
  });
});
