// Starts and stops the real node: pod network, containerd, kubelet, kube-proxy and CoreDNS, each a
// process recorded in the cluster's state like the control plane's.
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Certificates } from "../certs.js";
import { ClusterError } from "../errors.js";
import { run } from "../exec.js";
import { probeHealth } from "../health.js";
import type { Logger } from "../log.js";
import type { NodeBinaries } from "../node-binaries.js";
import { freePorts } from "../ports.js";
import type { ProcessRecord, StartedProcess } from "../processes.js";
import { stopProcess } from "../processes.js";
import { type NotYet, notYet } from "../wait.js";
import { killPods, removePodCgroups, unmountUnder } from "./cleanup.js";
import { REAL_NODE_TAINT, type RealNodeConfig, realNodeLayout } from "./config.js";
import { writeContainerdFiles } from "./containerd.js";
import { corefile } from "./coredns.js";
import { kubeProxyArgs, kubeProxyConfiguration } from "./kube-proxy.js";
import { kubeletArgs, kubeletConfiguration } from "./kubelet.js";
import {
  installGuard,
  type PodNetworkChanges,
  removeKubeletChains,
  setUpPodNetwork,
  tearDownPodNetwork,
} from "./network.js";

/** The real node's part of the cluster state. */
export interface RealNodeState {
  readonly config: RealNodeConfig;
  readonly network: PodNetworkChanges;
  readonly kubeletPort: number;
  readonly binDir: string;
  readonly shimBin: string;
  readonly kubeProxyBin: string;
}

/** The real node's processes, in start order (stopped in reverse). */
export const realNodeComponents = ["containerd", "kubelet", "kube-proxy", "coredns"] as const;

/** What the cluster hands the real node: its files, binaries and the way it starts and records processes. */
export interface RealNodeContext {
  readonly runDir: string;
  readonly server: string;
  readonly kubeconfig: string;
  readonly certs: Certificates;
  readonly binaries: NodeBinaries;
  readonly logger: Logger;
  start(
    name: (typeof realNodeComponents)[number],
    bin: string,
    args: string[],
    env?: Record<string, string>,
  ): Promise<StartedProcess>;
  /** Records the host changes as soon as they are made, so a failed start can be undone. */
  recordNetwork(network: PodNetworkChanges): Promise<void>;
  /** Waits for a probe, failing fast when one of `exits` ends. */
  until<T>(
    exits: readonly StartedProcess[],
    what: string,
    probe: () => Promise<T | NotYet>,
    timeoutMs?: number,
  ): Promise<T>;
  /** GET on the API server, for the node's readiness. */
  apiGet(path: string): Promise<{ status: number; body: string }>;
}

/** Checks what the real node needs from Debian before anything is changed on the host. */
async function checkPrerequisites(): Promise<void> {
  const missing = [["/usr/lib/cni/bridge", "containernetworking-plugins"]].filter(
    ([file]) => !existsSync(file as string),
  );
  if (missing.length > 0) {
    throw new ClusterError(
      "prerequisite",
      `the real node needs Debian's ${missing.map(([, pkg]) => pkg).join(" and ")}: apt-get install ${missing.map(([, pkg]) => pkg).join(" ")}`,
    );
  }
  await run("iptables", ["-w", "-S", "FORWARD"]).catch((error: unknown) => {
    throw new ClusterError("prerequisite", "the real node needs iptables (apt-get install iptables)", { cause: error });
  });
}

/** Starts the real node and waits until it is Ready and DNS answers. */
export async function startRealNode(ctx: RealNodeContext, config: RealNodeConfig): Promise<RealNodeState> {
  await checkPrerequisites();
  const layout = realNodeLayout(ctx.runDir);
  const { binaries, logger } = ctx;
  await mkdir(layout.dir, { recursive: true, mode: 0o700 });
  const network = await setUpPodNetwork(config);
  await ctx.recordNetwork(network);

  const { kubeletApi, kubeletHealthz, proxyHealthz, proxyMetrics, dnsHealth, dnsReady } = await freePorts([
    "kubeletApi",
    "kubeletHealthz",
    "proxyHealthz",
    "proxyMetrics",
    "dnsHealth",
    "dnsReady",
  ]);

  await writeContainerdFiles(config, layout, binaries.runc);
  // containerd finds its shim on PATH.
  const path = `${dirname(binaries.containerdShimRuncV2)}:${process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin"}`;
  const containerd = await ctx.start("containerd", binaries.containerd, ["--config", layout.containerdConfig], {
    PATH: path,
  });
  await ctx.until([containerd], `containerd's socket ${layout.containerdSocket}`, async () =>
    existsSync(layout.containerdSocket) ? true : notYet("no socket yet"),
  );
  logger.info("containerd is up");

  await mkdir(layout.kubeletRoot, { recursive: true, mode: 0o700 });
  await writeFile(
    layout.kubeletConfig,
    kubeletConfiguration(config, layout, ctx.certs, { api: kubeletApi, healthz: kubeletHealthz }),
  );
  const kubelet = await ctx.start("kubelet", binaries.kubelet, kubeletArgs(config, layout, ctx.kubeconfig), {
    PATH: path,
  });
  await ctx.until(
    [containerd, kubelet],
    `node ${config.nodeName} to be Ready`,
    async () => {
      const response = await ctx.apiGet(`/api/v1/nodes/${config.nodeName}`);
      if (response.status !== 200) return notYet(`HTTP ${response.status}`);
      const node = JSON.parse(response.body) as {
        spec: { taints?: { key: string }[] };
        status: { conditions?: { type: string; status: string; message?: string }[] };
      };
      const ready = node.status.conditions?.find((c) => c.type === "Ready");
      if (ready?.status !== "True") return notYet(`Ready is ${ready?.status ?? "unknown"}: ${ready?.message ?? ""}`);
      if (!node.spec.taints?.some((t) => t.key === REAL_NODE_TAINT.key)) return notYet("not tainted yet");
      return true;
    },
    180_000,
  );
  logger.info(`kubelet: node ${config.nodeName} is Ready (tainted ${REAL_NODE_TAINT.key})`);

  await writeFile(
    layout.kubeProxyConfig,
    kubeProxyConfiguration(config, ctx.kubeconfig, { healthz: proxyHealthz, metrics: proxyMetrics }),
  );
  const proxy = await ctx.start("kube-proxy", binaries.kubeProxy, kubeProxyArgs(layout.kubeProxyConfig));
  await ctx.until(
    [proxy],
    "kube-proxy /healthz",
    () => probeHealth(`http://127.0.0.1:${proxyHealthz}/healthz`),
    90_000,
  );
  await installGuard(network);

  await writeFile(layout.corefile, corefile(config, ctx.kubeconfig, { health: dnsHealth, ready: dnsReady }));
  const dns = await ctx.start("coredns", binaries.coredns, ["-conf", layout.corefile]);
  await ctx.until([dns], "CoreDNS /ready", () => probeHealth(`http://127.0.0.1:${dnsReady}/ready`), 60_000);
  logger.info(`kube-proxy and CoreDNS (${config.gatewayIp}:53) are up`);

  return {
    config,
    network,
    kubeletPort: kubeletApi,
    binDir: binaries.dir,
    shimBin: binaries.containerdShimRuncV2,
    kubeProxyBin: binaries.kubeProxy,
  };
}

/**
 * Stops the real node's processes, kills what its pods left running, unmounts and removes its cgroups, then undoes
 * the network. Works from a partial start: every step skips what is not there.
 */
export async function stopRealNode(
  runDir: string,
  processes: readonly ProcessRecord[],
  node: Partial<RealNodeState> & { network?: PodNetworkChanges },
  logger: Logger,
): Promise<void> {
  const byName = (name: string) => processes.filter((p) => p.name === name);
  for (const name of ["coredns", "kube-proxy", "kubelet"]) {
    for (const p of byName(name)) logger.info(`${p.name}: ${await stopProcess(p)}`);
  }
  if (node.kubeProxyBin && byName("kube-proxy").length > 0) {
    await run(node.kubeProxyBin, ["--cleanup"]).catch((error: unknown) =>
      logger.info(`kube-proxy --cleanup: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
  if (node.shimBin) logger.info(`pods: killed ${await killPods(node.shimBin)} processes`);
  for (const p of byName("containerd")) logger.info(`${p.name}: ${await stopProcess(p)}`);
  const layout = realNodeLayout(runDir);
  const unmounted = await unmountUnder(layout.dir);
  await removePodCgroups();
  if (byName("kubelet").length > 0) await removeKubeletChains();
  if (node.network) await tearDownPodNetwork(node.network);
  logger.info(`real node: unmounted ${unmounted}, removed its cgroups${node.network ? " and pod network" : ""}`);
}
