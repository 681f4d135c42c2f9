import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RealNodeConfig } from "./real-node/config.js";

/** Where the cluster's sources live: the Go wrapper modules and the kwok stages. */
export const clusterSourceDir = fileURLToPath(new URL("..", import.meta.url));

/** Settings of one test cluster. */
export interface ClusterConfig {
  /** Directory that holds the cluster's certificates, data, logs, pids and kubeconfig. */
  readonly runDir: string;
  /** Root of the binary cache; binaries go to `<cacheDir>/<key>/bin`. */
  readonly cacheDir: string;
  /** Pod addresses: nodes get their pod ranges from it, and it is routed to a blackhole. */
  readonly podCidr: string;
  /** Service addresses, also routed to a blackhole. */
  readonly serviceCidr: string;
  /** The address every fake node reports; inside `nodeCidr`, routed to a blackhole. */
  readonly nodeIp: string;
  /** Range of the fake nodes' addresses. */
  readonly nodeCidr: string;
  /** How many fake nodes to create. */
  readonly nodeCount: number;
  /** Allocatable resources of each fake node. */
  readonly nodeResources: { readonly cpu: string; readonly memory: string; readonly pods: string };
  /** One real node (kubelet, containerd, kube-proxy, CoreDNS, Prometheus) besides the fake ones; none when left out. */
  readonly realNode?: RealNodeConfig;
}

/** The default cluster, with the run and cache directories taken from the environment. */
export function defaultClusterConfig(env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const cacheHome = env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache");
  return {
    runDir: env.CLUSTER_DIR || "/tmp/ecommerce-cluster",
    cacheDir: join(cacheHome, "ecommerce-delivery", "cluster"),
    podCidr: "10.244.0.0/16",
    serviceCidr: "10.96.0.0/16",
    nodeIp: "10.95.0.2",
    nodeCidr: "10.95.0.0/24",
    nodeCount: 3,
    nodeResources: { cpu: "8", memory: "32Gi", pods: "110" },
  };
}

/** The blackholed ranges of a cluster: nothing addressed to a simulated pod, service or node leaves the machine. */
export function blackholeCidrs(config: ClusterConfig): string[] {
  return [config.podCidr, config.serviceCidr, config.nodeCidr];
}

/** The first address of the service range, which the `kubernetes` service gets and the serving cert must name. */
export function firstServiceIp(serviceCidr: string): string {
  const [base] = serviceCidr.split("/");
  const octets = (base ?? "").split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new Error(`service CIDR ${serviceCidr} is not an IPv4 range`);
  }
  const value = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const next = value + 1;
  return [next >>> 24, (next >>> 16) & 255, (next >>> 8) & 255, next & 255].join(".");
}
