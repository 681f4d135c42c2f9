import { createHash } from "node:crypto";
import type { V1ConfigMap } from "@kubernetes/client-node";
import type { ServiceContext } from "./context.js";
import { configMapName, serviceLabels } from "./labels.js";

/** The services' own default (service-kit serverEnv); written out so the pod's grace period is derived from the value it reads. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** The plain environment of a service: pipeline.yaml `env`, then what the platform decides (HOST, PORT), sorted by name. */
export function configData(ctx: ServiceContext): Record<string, string> {
  const data: Record<string, string> = {
    SHUTDOWN_TIMEOUT_MS: String(DEFAULT_SHUTDOWN_TIMEOUT_MS),
    ...ctx.service.env,
    // Inside a pod the service must listen on every interface or probes and peers cannot reach it.
    HOST: "0.0.0.0",
    PORT: String(ctx.service.port),
  };
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Short hash of the config data, put on the pod template so a config change rolls the pods. */
export function configHash(data: Record<string, string>): string {
  return createHash("sha256").update(JSON.stringify(data)).digest("hex").slice(0, 16);
}

/** ConfigMap `<service>-config`: non-secret variables, loaded by the container with envFrom. */
export function renderConfigMap(ctx: ServiceContext): V1ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: configMapName(ctx.name), namespace: ctx.namespace, labels: serviceLabels(ctx.name) },
    data: configData(ctx),
  };
}
