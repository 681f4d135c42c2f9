// Scaling a service's Deployment through its scale subresource, refused when an autoscaler owns the count.

import { declaredName, type PipelineConfig } from "../config/index.js";
import { MAX_REPLICAS } from "../config/scaling-schema.js";
import { FIELD_MANAGER } from "./apply.js";
import { ScaleError } from "./errors.js";
import { clockAndLogger, isNotFound, type KubeOptions, toDeliveryError, withOutageRetry } from "./kube.js";
import {
  AppsV1Api,
  AutoscalingV2Api,
  PatchStrategy,
  setHeaderOptions,
  type V2HorizontalPodAutoscaler,
} from "./kube-client.js";
import { assertEnvironment } from "./manifests/index.js";
import { type WaitForRolloutOptions, waitForRollout } from "./rollout-status.js";

export interface ScaleServiceOptions extends WaitForRolloutOptions {
  config: PipelineConfig;
  env: string;
  service: string;
  replicas: number;
  /** Wait until the Deployment has rolled out at the new count (as `kubectl rollout status`). */
  wait?: boolean;
}

export interface ScaleResult {
  namespace: string;
  name: string;
  previous: number;
  replicas: number;
}

/** Resolve env and service to the namespace and Deployment name; unknown names are one-line errors. */
export function serviceTarget(
  config: PipelineConfig,
  env: string,
  service: string,
): { namespace: string; name: string } {
  assertEnvironment(config, env);
  declaredName(
    "service",
    service,
    Object.keys(config.services),
    (message) => new ScaleError("unknown_service", message),
  );
  const namespace = config.environments[env].namespace;
  return { namespace, name: service };
}

/** Check a requested replica count: an integer from 0 to MAX_REPLICAS. */
export function checkReplicas(replicas: number): void {
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > MAX_REPLICAS) {
    throw new ScaleError(
      "invalid_replicas",
      `replicas (--replicas) must be an integer from 0 to ${MAX_REPLICAS}, got ${String(replicas)}`,
    );
  }
}

/** The HorizontalPodAutoscaler (autoscaling/v2) that owns a Deployment's replica count, if any. */
export async function autoscalerOf(
  options: KubeOptions,
  namespace: string,
  deployment: string,
): Promise<V2HorizontalPodAutoscaler | undefined> {
  const autoscaling = options.kubeConfig.makeApiClient(AutoscalingV2Api);
  const { items } = await withOutageRetry(
    options,
    { action: "list HorizontalPodAutoscalers in", target: `Namespace ${namespace}` },
    () => autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }),
  );
  return items.find(
    (h) =>
      h.spec?.scaleTargetRef?.kind === "Deployment" &&
      h.spec.scaleTargetRef.name === deployment &&
      (h.spec.scaleTargetRef.apiVersion ?? "apps/v1").startsWith("apps/"),
  );
}

/** Set a service's replica count through the Deployment's scale subresource. */
export async function scaleService(options: ScaleServiceOptions): Promise<ScaleResult> {
  const { config, env, service, replicas, kubeConfig } = options;
  const { logger } = clockAndLogger(options);
  const { namespace, name } = serviceTarget(config, env, service);
  checkReplicas(replicas);
  const target = `Deployment ${namespace}/${name}`;

  const hpa = await autoscalerOf(options, namespace, name);
  if (hpa) {
    throw new ScaleError(
      "autoscaled",
      `${env}/${service} is autoscaled ${hpa.spec?.minReplicas ?? 1}–${hpa.spec?.maxReplicas ?? "?"} by HPA ${hpa.metadata?.name}; change environments.${env}.autoscaling in pipeline.yaml instead`,
    );
  }

  const apps = kubeConfig.makeApiClient(AppsV1Api);
  let previous: number;
  try {
    const scale = await apps.readNamespacedDeploymentScale({ namespace, name });
    previous = scale.spec?.replicas ?? 0;
  } catch (err) {
    if (isNotFound(err)) {
      throw new ScaleError(
        "not_deployed",
        `${env}/${service} is not deployed (no ${target}): deploy it before scaling it`,
      );
    }
    throw toDeliveryError(err, kubeConfig, "read the scale of", target);
  }
  try {
    await apps.patchNamespacedDeploymentScale(
      { namespace, name, body: { spec: { replicas } }, fieldManager: FIELD_MANAGER },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  } catch (err) {
    throw toDeliveryError(err, kubeConfig, "scale", target);
  }
  logger.info(`${target}: scaled from ${previous} to ${replicas} replicas`);
  if (options.wait) await waitForRollout(namespace, name, options);
  return { namespace, name, previous, replicas };
}
