// The API server reached at another address than the kubeconfig's: `env --api-server` binds the cluster's API server
// into the deliver container under its own host name (a kubeconfig's https://127.0.0.1:<port> means the container
// itself there), and the CLI talks to that address while still verifying the certificate against the name it was
// issued for. TLS verification is never turned off.
import type { Cluster, KubeConfig } from "@kubernetes/client-node";
import { DeliveryError } from "../../delivery/errors.js";

/** `host:port` the deliver CLI sends API requests to instead of the current cluster's server. */
export const API_SERVER_VARIABLE = "DELIVER_API_SERVER";

/** The override is not a host:port. */
export class ApiServerAddressError extends DeliveryError {}

/**
 * `cluster` with its server moved to `address` (`host:port`; scheme and path stay), and `tls-server-name` set to the
 * original server's host unless the kubeconfig already names one. For an IP such as 127.0.0.1 the certificate's IP
 * SAN is what verification checks, which is what a kubeconfig for a local control plane (kind, k3d, minikube, this
 * repository's tier 2) is issued for.
 */
export function redirectCluster(cluster: Cluster, address: string): Cluster {
  const original = new URL(cluster.server);
  const target = parseAddress(address);
  const path = original.pathname === "/" ? "" : original.pathname;
  const server = `${original.protocol}//${target}${path}`;
  if (original.protocol !== "https:") return { ...cluster, server };
  return { ...cluster, server, tlsServerName: cluster.tlsServerName || original.hostname.replace(/^\[|\]$/g, "") };
}

/** Moves the current context's cluster to `address` (see redirectCluster); the other clusters stay as they were. */
export function redirectCurrentCluster(kubeConfig: KubeConfig, address: string): void {
  const current = kubeConfig.getCurrentCluster();
  if (!current) throw new ApiServerAddressError("the kubeconfig's current context names no cluster to redirect");
  kubeConfig.loadFromOptions({
    clusters: kubeConfig.clusters.map((cluster) =>
      cluster.name === current.name ? redirectCluster(cluster, address) : cluster,
    ),
    contexts: kubeConfig.contexts,
    users: kubeConfig.users,
    currentContext: kubeConfig.getCurrentContext(),
  });
}

const HOST_PORT = /^([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;

function parseAddress(address: string): string {
  const match = HOST_PORT.exec(address);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) {
    throw new ApiServerAddressError(`${API_SERVER_VARIABLE} "${address}" is not a host:port`);
  }
  return address;
}
