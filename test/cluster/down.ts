// npm run cluster:down — stops the test cluster and removes its routes and run directory.
import { consoleLogger, stopCluster } from "./index.js";

try {
  await stopCluster({ logger: consoleLogger });
} catch (error) {
  process.stderr.write(`[cluster] down failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
