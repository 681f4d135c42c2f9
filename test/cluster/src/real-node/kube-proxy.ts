// kube-proxy in iptables mode: Service addresses reach the real node's pods. NodePorts open only on the bridge
// address, and kube-proxy leaves the machine's conntrack and localnet sysctls alone.
import { stringify } from "yaml";
import type { RealNodeConfig } from "./config.js";

/** Loopback ports of kube-proxy's health and metrics endpoints. */
export interface KubeProxyPorts {
  readonly healthz: number;
  readonly metrics: number;
}

/** kube-proxy's configuration file (kubeproxy.config.k8s.io/v1alpha1). */
export function kubeProxyConfiguration(config: RealNodeConfig, kubeconfig: string, ports: KubeProxyPorts): string {
  return stringify({
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
    kind: "KubeProxyConfiguration",
    clientConnection: { kubeconfig },
    hostnameOverride: config.nodeName,
    mode: "iptables",
    oomScoreAdj: 0,
    healthzBindAddress: `127.0.0.1:${ports.healthz}`,
    metricsBindAddress: `127.0.0.1:${ports.metrics}`,
    clusterCIDR: config.podCidr,
    nodePortAddresses: [`${config.gatewayIp}/32`],
    // 0 keeps kube-proxy from resizing the machine's conntrack table or changing its timeouts.
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
    iptables: { localhostNodePorts: false, syncPeriod: "10s", minSyncPeriod: "1s" },
  });
}

/** kube-proxy's command line. */
export function kubeProxyArgs(configFile: string): string[] {
  return [`--config=${configFile}`, "--v=1"];
}
