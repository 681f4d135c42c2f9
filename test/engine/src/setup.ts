// engine:up and engine:down as functions: the registry, the base images and the engine, recorded in the run
// directory so `down` (or the next `up`) knows what is running and what the host got.
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ClusterError } from "../../cluster/src/errors.js";
import type { Logger } from "../../cluster/src/log.js";
import { isRunning, type ProcessRecord, stopProcess } from "../../cluster/src/processes.js";
import { ensureBaseImages } from "./base-images.js";
import { clientEnvironment, defaultEngineConfig, type EngineConfig } from "./config.js";
import { cleanUpHost, engineVersion, type HostChanges, startEngine } from "./engine.js";
import { hostNetworkSnapshot } from "./host-snapshot.js";
import { startRegistry } from "./registry.js";
import {
  type DaggerInstallation,
  ensureCrane,
  ensureDebianPackages,
  findDaggerInstallation,
  findProgram,
} from "./tools.js";

/** What `up` leaves in `<runDir>/state.json`. */
export interface EngineState {
  readonly installation: DaggerInstallation;
  readonly engineVersion: string;
  /** The variables a client sets to use this engine. */
  readonly clientEnv: Record<string, string>;
  /** The registry `up` started; absent when one was already serving (it is left alone). */
  readonly registry?: ProcessRecord;
  readonly engine: ProcessRecord;
  readonly hostChanges: HostChanges;
  /** The host's resolver and iptables links before the engine started (see hostNetworkSnapshot). */
  readonly hostSnapshotFile: string;
  readonly startedAt: string;
}

const stateFile = (config: EngineConfig) => join(config.runDir, "state.json");

/** The state of a running setup, or undefined when none runs (a stale state file is ignored). */
export async function findRunningEngine(config = defaultEngineConfig()): Promise<EngineState | undefined> {
  if (!existsSync(stateFile(config))) return undefined;
  const state = JSON.parse(await readFile(stateFile(config), "utf8")) as EngineState;
  return (await isRunning(state.engine)) ? state : undefined;
}

/**
 * Starts everything tier 3 needs, or fails in one line saying what is missing: the installed engine, Debian's
 * packages (installed when missing), crane, the registry, the base images (built only when their inputs changed).
 */
export async function startEngineSetup(logger: Logger, config = defaultEngineConfig()): Promise<EngineState> {
  const installation = await findDaggerInstallation();
  const running = await findRunningEngine(config);
  if (running) {
    logger.info(`engine: already running (pid ${running.engine.pid}); down first to restart it`);
    return running;
  }
  if (process.getuid?.() !== 0) throw new ClusterError("prerequisite", "the engine runs on the host: run as root");
  await ensureDebianPackages(logger);
  await rm(config.runDir, { recursive: true, force: true });
  await mkdir(config.runDir, { recursive: true });
  const hostSnapshotFile = join(config.runDir, "host-before.json");
  await writeFile(hostSnapshotFile, JSON.stringify(await hostNetworkSnapshot()));
  const crane = await ensureCrane(config.cacheDir, logger);
  const registryBin = await findProgram("docker-registry");
  if (!registryBin)
    throw new ClusterError("prerequisite", "docker-registry is missing (apt-get install docker-registry)");
  const registry = await startRegistry(registryBin, config.registry, config, logger);
  try {
    const images = await ensureBaseImages(config, crane, logger);
    if (images.cached.length > 0) logger.info(`base images: cached ${images.cached.join(", ")}`);
    const engine = await startEngine(config, installation, logger);
    const state: EngineState = {
      installation,
      engineVersion: engine.version,
      clientEnv: clientEnvironment(config, installation.cli),
      ...(registry ? { registry } : {}),
      engine: engine.record,
      hostChanges: engine.hostChanges,
      hostSnapshotFile,
      startedAt: new Date().toISOString(),
    };
    await writeFile(stateFile(config), `${JSON.stringify(state, null, 2)}\n`);
    return state;
  } catch (error) {
    if (registry) await stopProcess(registry);
    throw error;
  }
}

/** Stops the engine and the registry `up` started, and undoes what the host got. */
export async function stopEngineSetup(logger: Logger, config = defaultEngineConfig()): Promise<void> {
  if (!existsSync(stateFile(config))) {
    logger.info(`engine: nothing recorded in ${config.runDir}`);
    return;
  }
  const state = JSON.parse(await readFile(stateFile(config), "utf8")) as EngineState;
  logger.info(`engine: ${await stopProcess(state.engine, 30_000)}`);
  if (state.registry) logger.info(`registry: ${await stopProcess(state.registry)}`);
  await cleanUpHost(state.hostChanges);
  await rm(config.runDir, { recursive: true, force: true });
}

/** Re-checks that a recorded engine still answers queries. */
export async function checkEngine(state: EngineState, config = defaultEngineConfig()): Promise<string> {
  return engineVersion(config, state.installation);
}
