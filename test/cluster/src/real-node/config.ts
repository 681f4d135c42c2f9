import { createHash } from "node:crypto";
import { join } from "node:path";

/** Settings of the one real node (kubelet + containerd) that `--real-node` adds beside the kwok nodes. */
export interface RealNodeConfig {
  readonly nodeName: string;
  /** The pods' bridge on this machine; at most 15 characters (IFNAMSIZ). */
  readonly bridge: string;
  /** The pods' own range: distinct from the blackholed kwok ranges, never routed off the machine. */
  readonly podCidr: string;
  /** The bridge's address: the node's InternalIP, the pods' gateway and the cluster DNS server's address. */
  readonly gatewayIp: string;
  /** Registry the node pulls from over plain HTTP (Debian's docker-registry on loopback). */
  readonly registry: string;
  /** Image of the pod sandboxes (containerd's CRI sandbox image); it must be in {@link registry}. */
  readonly pauseImage: string;
}

/** The taint that keeps kwok-bound pods off the real node; real-pod workloads tolerate it. */
export const REAL_NODE_TAINT = { key: "ecommerce.dev/real-node", value: "true", effect: "NoSchedule" } as const;

/** The label real-pod workloads select the node by. */
export const REAL_NODE_LABEL = { key: "ecommerce.dev/node", value: "real" } as const;

/** The DNS domain of the cluster's Services. */
export const CLUSTER_DOMAIN = "cluster.local";

/** The default real node: bridge 10.90.0.0/24, pause image from the local registry. */
export function defaultRealNodeConfig(): RealNodeConfig {
  return {
    nodeName: "real-node-0",
    bridge: "ecd-pods0",
    podCidr: "10.90.0.0/24",
    gatewayIp: "10.90.0.1",
    registry: "127.0.0.1:5000",
    pauseImage: "127.0.0.1:5000/pause:3.10",
  };
}

/** Where the real node keeps its files, all inside the cluster's run directory. */
export interface RealNodeLayout {
  readonly dir: string;
  readonly containerdRoot: string;
  readonly containerdState: string;
  readonly containerdConfig: string;
  readonly containerdSocket: string;
  /** Shim sockets; short, because containerd allows at most 42 characters. */
  readonly shimSocketDir: string;
  readonly registryHostsDir: string;
  readonly cniConfDir: string;
  readonly cniDataDir: string;
  readonly kubeletRoot: string;
  readonly kubeletConfig: string;
  readonly podLogsDir: string;
  readonly kubeProxyConfig: string;
  readonly corefile: string;
}

/** The real node's paths under `<runDir>/real-node`. */
export function realNodeLayout(runDir: string): RealNodeLayout {
  const dir = join(runDir, "real-node");
  return {
    dir,
    containerdRoot: join(dir, "containerd", "root"),
    containerdState: join(dir, "containerd", "state"),
    containerdConfig: join(dir, "containerd", "config.toml"),
    containerdSocket: join(dir, "containerd", "containerd.sock"),
    shimSocketDir: join("/run/ecd-shims", createHash("sha256").update(runDir).digest("hex").slice(0, 8)),
    registryHostsDir: join(dir, "containerd", "certs.d"),
    cniConfDir: join(dir, "cni", "net.d"),
    cniDataDir: join(dir, "cni", "ipam"),
    kubeletRoot: join(dir, "kubelet"),
    kubeletConfig: join(dir, "kubelet-config.yaml"),
    podLogsDir: join(dir, "pod-logs"),
    kubeProxyConfig: join(dir, "kube-proxy-config.yaml"),
    corefile: join(dir, "Corefile"),
  };
}
