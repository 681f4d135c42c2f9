// npm run engine:up — the local registry, the base images and an installed Dagger engine, for tier 3 and by hand.
import { formatDuration, prefixedLogger } from "../cluster/src/log.js";
import { startEngineSetup } from "./src/setup.js";

const logger = prefixedLogger("engine");
const started = Date.now();
try {
  const state = await startEngineSetup(logger);
  const exports = Object.entries(state.clientEnv).map(([name, value]) => `export ${name}=${value}`);
  process.stdout.write(`${exports.join("\n")}\n`);
  logger.info(`up in ${formatDuration(Date.now() - started)}; the lines above point a dagger client at it`);
} catch (error) {
  process.stderr.write(`[engine] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
