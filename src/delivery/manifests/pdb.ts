import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import type { ServiceContext } from "./context.js";
import { selectorLabels, serviceLabels } from "./labels.js";

/**
 * PodDisruptionBudget that lets voluntary disruptions (node drains) take pods one at a time while at least one stays.
 * - fixed replicas n > 1: minAvailable n - 1;
 * - autoscaling with min > 1: minAvailable "50%" (rounded up by Kubernetes: of 2 pods keeps 1, of 10 keeps 5);
 * - a single pod (replicas 1, or autoscaling min 1): no PDB. minAvailable 1 or maxUnavailable 0 on one pod would
 *   block every drain forever (`kubectl drain` hangs), and one pod cannot stay available through a drain anyway;
 *   dev accepts the short gap.
 */
export function renderPodDisruptionBudget(ctx: ServiceContext): V1PodDisruptionBudget | undefined {
  const { env, name } = ctx;
  let minAvailable: number | string;
  if (env.autoscaling !== undefined) {
    if (env.autoscaling.min <= 1) return undefined;
    minAvailable = "50%";
  } else {
    const replicas = env.replicas ?? 1;
    if (replicas <= 1) return undefined;
    minAvailable = replicas - 1;
  }
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name, namespace: ctx.namespace, labels: serviceLabels(name) },
    spec: { minAvailable, selector: { matchLabels: selectorLabels(name) } },
  };
}
