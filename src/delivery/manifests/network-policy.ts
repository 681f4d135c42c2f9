import type { V1NetworkPolicy, V1NetworkPolicyEgressRule, V1NetworkPolicyIngressRule } from "@kubernetes/client-node";
import type { ServiceContext } from "./context.js";
import { NAME_LABEL, selectorLabels, serviceLabels } from "./labels.js";
import { callersOf, isPublic } from "./order.js";

/** Port PostgreSQL listens on; services with `database: true` may open connections to it (wherever it runs). */
export const POSTGRES_PORT = 5432;

/**
 * NetworkPolicy allowing only the calls pipeline.yaml declares. Ingress: from the services that call this one,
 * from Prometheus pods in any namespace, and from anywhere for a public service (one nobody calls). Egress: to the
 * services it calls, to DNS in kube-system, and to PostgreSQL when it has a database.
 * Note: the client's model spells the ingress peers `_from` (`from` on the wire); see toApiObject.
 */
export function renderNetworkPolicy(ctx: ServiceContext): V1NetworkPolicy {
  const { config, name, service } = ctx;
  const http = [{ protocol: "TCP", port: service.port }];
  const ingress: V1NetworkPolicyIngressRule[] = [];
  const callers = callersOf(config, name);
  if (callers.length > 0) {
    ingress.push({
      _from: callers.map((caller) => ({ podSelector: { matchLabels: selectorLabels(caller) } })),
      ports: http,
    });
  }
  ingress.push({
    // namespaceSelector {} with a podSelector: Prometheus pods in any namespace, nothing else.
    _from: [{ namespaceSelector: {}, podSelector: { matchLabels: { [NAME_LABEL]: "prometheus" } } }],
    ports: http,
  });
  if (isPublic(config, name)) ingress.push({ ports: http });

  const egress: V1NetworkPolicyEgressRule[] = service.calls.map((callee) => ({
    to: [{ podSelector: { matchLabels: selectorLabels(callee) } }],
    ports: [{ protocol: "TCP", port: config.services[callee]?.port ?? 0 }],
  }));
  egress.push({
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
    ports: [
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ],
  });
  if (service.database) egress.push({ ports: [{ protocol: "TCP", port: POSTGRES_PORT }] });

  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: ctx.namespace, labels: serviceLabels(name) },
    spec: { podSelector: { matchLabels: selectorLabels(name) }, policyTypes: ["Ingress", "Egress"], ingress, egress },
  };
}
