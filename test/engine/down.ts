// npm run engine:down — stops what engine:up started and removes what it left on the host.
import { prefixedLogger } from "../cluster/src/log.js";
import { stopEngineSetup } from "./src/setup.js";

try {
  await stopEngineSetup(prefixedLogger("engine"));
} catch (error) {
  process.stderr.write(`[engine] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
