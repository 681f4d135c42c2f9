// npm run cluster:build [-- --real-node] — builds the cluster's binaries into the cache (or finds them there)
// without starting anything: the control plane, Prometheus (the tests that scrape pods), then with --real-node the
// real node's (kubelet, containerd, runc, CoreDNS, …), which only the pods tier needs.
import { consoleLogger, defaultClusterConfig, ensureBinaries } from "./index.js";
import { formatDuration } from "./src/log.js";
import { ensureNodeBinaries } from "./src/node-binaries.js";
import { ensurePrometheusBinary } from "./src/prometheus-binary.js";

const realNode = process.argv.slice(2).includes("--real-node");

/** Runs one build step and prints where its binaries are, whether they were built or found, and how long it took. */
async function step(build: () => Promise<{ readonly dir: string; readonly built: boolean }>): Promise<void> {
  const started = Date.now();
  const { dir, built } = await build();
  process.stdout.write(`${dir} (${built ? "built" : "cached"}, ${formatDuration(Date.now() - started)})\n`);
}

try {
  const options = { cacheDir: defaultClusterConfig().cacheDir, logger: consoleLogger };
  // One after the other: the node's kubelet reuses most of what the control plane's build compiled.
  await step(async () => {
    const { binaries, built } = await ensureBinaries(options);
    return { dir: binaries.dir, built };
  });
  await step(async () => {
    const { prometheus, version, built } = await ensurePrometheusBinary(options);
    return { dir: `${prometheus} ${version}`, built };
  });
  if (realNode) {
    await step(async () => {
      const { binaries, built } = await ensureNodeBinaries(options);
      return { dir: binaries.dir, built };
    });
  }
} catch (error) {
  process.stderr.write(`[cluster] build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
