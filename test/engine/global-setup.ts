// vitest globalSetup for tier 3: the engine setup for the whole run. Reuses one started by `npm run engine:up` (and
// leaves it running); otherwise starts it and stops it at the end. What the host looked like before is provided to
// the tests that prove the engine left it alone.
import { readFile } from "node:fs/promises";
import type { TestProject } from "vitest/node";
import { prefixedLogger } from "../cluster/src/log.js";
import { type HostSnapshot, hostNetworkSnapshot } from "./src/host-snapshot.js";
import { findRunningEngine, startEngineSetup, stopEngineSetup } from "./src/setup.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Variables that point a Dagger client at the tier-3 engine. */
    daggerClientEnv: Record<string, string>;
    /** Pid of the engine, whose mount namespace the host-isolation test looks into. */
    enginePid: number;
    /** The host's resolver files and iptables links before this run started the engine (or before up, if reused). */
    hostBefore: HostSnapshot;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = prefixedLogger("engine");
  const running = await findRunningEngine();
  const hostBefore = running
    ? JSON.parse(await readFile(running.hostSnapshotFile, "utf8"))
    : await hostNetworkSnapshot();
  const state = running ?? (await startEngineSetup(logger));
  project.provide("daggerClientEnv", state.clientEnv);
  project.provide("enginePid", state.engine.pid);
  project.provide("hostBefore", hostBefore);
  return async () => {
    if (!running) await stopEngineSetup(logger);
  };
}
