// npm run cluster:build [-- --real-node] — builds the cluster's binaries into the cache (or finds them there)
// without starting anything; with --real-node also the real node's (kubelet, containerd, runc, CoreDNS, …).
import { consoleLogger, defaultClusterConfig, ensureBinaries } from "./index.js";
import { formatDuration } from "./src/log.js";
import { ensureNodeBinaries } from "./src/node-binaries.js";

const realNode = process.argv.slice(2).includes("--real-node");
const started = Date.now();
try {
  const options = { cacheDir: defaultClusterConfig().cacheDir, logger: consoleLogger };
  // One after the other: the node's kubelet reuses most of what the control plane's build compiled.
  const { binaries, built } = await ensureBinaries(options);
  process.stdout.write(`${binaries.dir} (${built ? "built" : "cached"}, ${formatDuration(Date.now() - started)})\n`);
  if (realNode) {
    const nodeStarted = Date.now();
    const node = await ensureNodeBinaries(options);
    process.stdout.write(
      `${node.binaries.dir} (${node.built ? "built" : "cached"}, ${formatDuration(Date.now() - nodeStarted)})\n`,
    );
  }
} catch (error) {
  process.stderr.write(`[cluster] build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
