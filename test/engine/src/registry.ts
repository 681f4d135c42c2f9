// The local registry: Debian's docker-registry (distribution) on loopback, plain HTTP, no auth, storage in the cache.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { probeHealth } from "../../cluster/src/health.js";
import type { Logger } from "../../cluster/src/log.js";
import { type ProcessRecord, startProcess } from "../../cluster/src/processes.js";
import { waitFor } from "../../cluster/src/wait.js";

/** The registry's configuration: filesystem storage under `storageDir`, listening on `address` only. */
export function registryConfig(address: string, storageDir: string): string {
  return [
    "version: 0.1",
    "log:",
    "  level: warn",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${storageDir}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: ${address}`,
    "",
  ].join("\n");
}

/** Whether a registry answers the distribution API at `address` (GET /v2/ → 200). */
export async function registryAnswers(address: string): Promise<boolean> {
  return typeof (await probeHealth(`http://${address}/v2/`)) === "string";
}

/**
 * Starts docker-registry unless one already answers at `address` (then returns undefined: it is someone else's, and
 * `down` leaves it alone).
 */
export async function startRegistry(
  bin: string,
  address: string,
  dirs: { readonly runDir: string; readonly cacheDir: string },
  logger: Logger,
): Promise<ProcessRecord | undefined> {
  if (await registryAnswers(address)) {
    logger.info(`registry: reusing the one at ${address}`);
    return undefined;
  }
  const storage = join(dirs.cacheDir, "registry");
  await mkdir(storage, { recursive: true });
  const configFile = join(dirs.runDir, "registry.yml");
  await writeFile(configFile, registryConfig(address, storage));
  const started = startProcess("docker-registry", bin, ["serve", configFile], join(dirs.runDir, "registry.log"));
  await Promise.race([
    started.exited,
    waitFor(`the registry at ${address}`, () => probeHealth(`http://${address}/v2/`), { timeoutMs: 30_000 }),
  ]);
  logger.info(`registry: serving ${address} from ${storage}`);
  return started.record;
}
