import type { V2HorizontalPodAutoscaler } from "@kubernetes/client-node";
import type { ServiceContext } from "./context.js";
import { serviceLabels } from "./labels.js";

/** autoscaling/v2 HorizontalPodAutoscaler on CPU utilisation, or undefined when the environment has fixed replicas. */
export function renderHorizontalPodAutoscaler(ctx: ServiceContext): V2HorizontalPodAutoscaler | undefined {
  const { env, name } = ctx;
  if (env.autoscaling === undefined) return undefined;
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name, namespace: ctx.namespace, labels: serviceLabels(name) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      minReplicas: env.autoscaling.min,
      maxReplicas: env.autoscaling.max,
      metrics: [
        {
          type: "Resource",
          resource: {
            name: "cpu",
            target: { type: "Utilization", averageUtilization: env.autoscaling.targetCPUUtilization },
          },
        },
      ],
    },
  };
}
