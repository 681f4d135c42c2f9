// npm run cluster:up — builds or reuses the binaries and starts the test cluster (test tier 2).
import { consoleLogger, startCluster } from "./index.js";
import { formatDuration } from "./src/log.js";

const started = Date.now();
try {
  const cluster = await startCluster({ logger: consoleLogger });
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
