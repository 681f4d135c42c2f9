// CoreDNS as the cluster's DNS: it runs on this machine (the API server listens on loopback only, which a pod
// cannot reach) and answers the pods on the bridge address. No upstream: names outside the cluster fail.
import { CLUSTER_DOMAIN, type RealNodeConfig } from "./config.js";

/** Loopback ports of CoreDNS's health and readiness endpoints. */
export interface CorednsPorts {
  readonly health: number;
  readonly ready: number;
}

/** The Corefile: the kubernetes plugin for Services and pods, answered on the bridge address only. */
export function corefile(config: RealNodeConfig, kubeconfig: string, ports: CorednsPorts): string {
  return `.:53 {
    bind ${config.gatewayIp}
    errors
    health 127.0.0.1:${ports.health}
    ready 127.0.0.1:${ports.ready}
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
        kubeconfig ${kubeconfig}
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 5
    }
    cache 5
    loadbalance
}
`;
}
