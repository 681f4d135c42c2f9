import type { V1Service } from "@kubernetes/client-node";
import type { ServiceContext } from "./context.js";
import { selectorLabels, serviceLabels } from "./labels.js";

/** ClusterIP Service named after the service, on the service's own port, so `http://<service>:<port>` works in-cluster. */
export function renderService(ctx: ServiceContext): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: ctx.name, namespace: ctx.namespace, labels: serviceLabels(ctx.name) },
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(ctx.name),
      ports: [{ name: "http", port: ctx.service.port, targetPort: "http", protocol: "TCP" }],
    },
  };
}
