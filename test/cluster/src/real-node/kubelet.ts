// The kubelet of the real node: talks to our containerd, registers tainted and labelled, authenticates the API
// server's calls (logs, exec) by client certificate and authorises them through the API server.
import { stringify } from "yaml";
import type { Certificates } from "../certs.js";
import {
  CLUSTER_DOMAIN,
  REAL_NODE_LABEL,
  REAL_NODE_TAINT,
  type RealNodeConfig,
  type RealNodeLayout,
} from "./config.js";

/** Ports the kubelet listens on: its API on the bridge address, its health endpoint on loopback. */
export interface KubeletPorts {
  readonly api: number;
  readonly healthz: number;
}

/** The kubelet's configuration file (kubelet.config.k8s.io/v1beta1). */
export function kubeletConfiguration(
  config: RealNodeConfig,
  layout: RealNodeLayout,
  certs: Certificates,
  ports: KubeletPorts,
): string {
  return stringify({
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    // These machines have cgroup v1 only; current kubelets refuse it unless told to go on (they warn and run).
    failCgroupV1: false,
    cgroupDriver: "cgroupfs",
    containerRuntimeEndpoint: `unix://${layout.containerdSocket}`,
    address: config.gatewayIp,
    port: ports.api,
    readOnlyPort: 0,
    healthzBindAddress: "127.0.0.1",
    healthzPort: ports.healthz,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: certs.caCert },
    },
    authorization: { mode: "Webhook" },
    clusterDNS: [config.gatewayIp],
    clusterDomain: CLUSTER_DOMAIN,
    // Pods get only the cluster's DNS: the host's resolver and search path mean nothing inside the pod network.
    resolvConf: "",
    registerWithTaints: [REAL_NODE_TAINT],
    podLogsDir: layout.podLogsDir,
    failSwapOn: false,
    serializeImagePulls: false,
    maxPods: 40,
    // A test machine's disk and memory may run fuller than the defaults allow; evict only when nearly out.
    evictionHard: { "memory.available": "200Mi", "nodefs.available": "1%", "imagefs.available": "1%" },
    imageGCHighThresholdPercent: 99,
    imageGCLowThresholdPercent: 98,
    nodeStatusUpdateFrequency: "5s",
    // The shop's images are pulled once per run; a pod's volume and config refresh need not be fast.
    syncFrequency: "30s",
    shutdownGracePeriod: "0s",
    // Lowering an OOM score needs CAP_SYS_RESOURCE, which root lacks on these machines.
    oomScoreAdj: 0,
  });
}

/** The kubelet's command line. */
export function kubeletArgs(config: RealNodeConfig, layout: RealNodeLayout, kubeconfig: string): string[] {
  return [
    `--config=${layout.kubeletConfig}`,
    `--kubeconfig=${kubeconfig}`,
    `--root-dir=${layout.kubeletRoot}`,
    `--cert-dir=${layout.kubeletRoot}/pki`,
    `--hostname-override=${config.nodeName}`,
    `--node-ip=${config.gatewayIp}`,
    `--node-labels=${REAL_NODE_LABEL.key}=${REAL_NODE_LABEL.value}`,
    "--v=1",
  ];
}
