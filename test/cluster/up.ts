// npm run cluster:up [-- --real-node] — builds or reuses the binaries and starts the test cluster (test tier 2);
// --real-node adds the real kubelet node (its pods pull from the local registry, which must hold the pause image).
import { consoleLogger, defaultClusterConfig, startCluster } from "./index.js";
import { formatDuration } from "./src/log.js";
import { defaultRealNodeConfig } from "./src/real-node/config.js";

const realNode = process.argv.slice(2).includes("--real-node");

const started = Date.now();
try {
  const config = { ...defaultClusterConfig(), ...(realNode ? { realNode: defaultRealNodeConfig() } : {}) };
  const cluster = await startCluster({ config, logger: consoleLogger });
  const { timings, state } = cluster;
  process.stdout.write(
    [
      "",
      `  Kubernetes ${state.versions.kubernetes} (etcd ${state.versions.etcd}, kwok ${state.versions.kwok}) at ${state.server}`,
      `  kubeconfig: ${cluster.kubeconfig}`,
      `  try:        ${state.runDir}/bin/kubectl --kubeconfig ${cluster.kubeconfig} get nodes`,
      `  logs:       ${state.runDir}/logs    stop: npm run cluster:down`,
      `  time:       ${formatDuration(Date.now() - started)} in all; binaries ${timings.built ? "built" : "cached"} in ${formatDuration(timings.binariesMs)}, start ${formatDuration(timings.startMs)}`,
      "",
    ].join("\n"),
  );
} catch (error) {
  process.stderr.write(`[cluster] up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
