// npm run cluster:build — builds the cluster's binaries into the cache (or finds them there) without starting anything.
import { consoleLogger, defaultClusterConfig, ensureBinaries } from "./index.js";
import { formatDuration } from "./src/log.js";

const started = Date.now();
try {
  const { binaries, built } = await ensureBinaries({
    cacheDir: defaultClusterConfig().cacheDir,
    logger: consoleLogger,
  });
  process.stdout.write(`${binaries.dir} (${built ? "built" : "cached"}, ${formatDuration(Date.now() - started)})\n`);
} catch (error) {
  process.stderr.write(`[cluster] build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
