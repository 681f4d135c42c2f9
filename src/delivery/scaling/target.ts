// What the watch reads from and changes in the cluster for one service: the Deployment (its revision, rollout and
// replicas) or, when an HPA owns the count, the HPA's bounds. Changes are compare-and-swap JSON patches, so a deploy
// or a person changing the same numbers in between makes the watch skip a turn instead of overwriting them.
import { type KubeOptions, readDeploymentIfExists, statusOf, withOutageRetry } from "../kube.js";
import { AppsV1Api, AutoscalingV2Api, PatchStrategy, setHeaderOptions } from "../kube-client.js";
import { digestLabelValue, POD_DIGEST_LABEL } from "../manifests/labels.js";
import { rolloutState } from "../rollout-status.js";
import { autoscalerOf } from "../scale.js";
import type { ScaleSetting } from "./decide.js";
import { SCALING_FIELD_MANAGER } from "./records.js";

/** One service's Deployment as the decision needs it. */
export interface ScaleState {
  /** "Deployment ns/name" or "HorizontalPodAutoscaler ns/name": what a change goes to. */
  readonly target: string;
  /** Pod label value of the revision the Deployment runs (first 12 hex of its image digest). */
  readonly revision: string | undefined;
  readonly rolledOut: boolean;
  readonly rolloutMessage: string;
  readonly setting: ScaleSetting;
  readonly currentReplicas: number;
}

/** The service's Deployment, and its HPA if one owns the count; undefined when the service is not deployed. */
export async function readScaleState(
  options: KubeOptions,
  namespace: string,
  service: string,
): Promise<ScaleState | undefined> {
  const [deployment, hpa] = await Promise.all([
    readDeploymentIfExists(options, namespace, service),
    autoscalerOf(options, namespace, service),
  ]);
  if (!deployment) return undefined;
  const template = deployment.spec?.template;
  const image =
    template?.spec?.containers.find((c) => c.name === service)?.image ?? template?.spec?.containers[0]?.image;
  const digest = image?.includes("@") ? image.slice(image.lastIndexOf("@") + 1) : undefined;
  const state = rolloutState(deployment);
  const common = {
    revision: template?.metadata?.labels?.[POD_DIGEST_LABEL] ?? (digest ? digestLabelValue(digest) : undefined),
    rolledOut: state.kind === "done",
    rolloutMessage: state.message,
  };
  if (hpa) {
    return {
      ...common,
      target: `HorizontalPodAutoscaler ${namespace}/${hpa.metadata?.name}`,
      setting: {
        kind: "HorizontalPodAutoscaler",
        minReplicas: hpa.spec?.minReplicas ?? 1,
        maxReplicas: hpa.spec?.maxReplicas ?? 1,
      },
      currentReplicas: hpa.status?.currentReplicas ?? deployment.status?.replicas ?? 0,
    };
  }
  const replicas = deployment.spec?.replicas ?? 1;
  return {
    ...common,
    target: `Deployment ${namespace}/${service}`,
    setting: { kind: "Deployment", replicas },
    currentReplicas: deployment.status?.replicas ?? replicas,
  };
}

/**
 * Change a Deployment's replicas (through its scale subresource) or an HPA's bounds from `from` to `to`. Returns
 * false, changing nothing, when the numbers are no longer `from` (someone else changed them since they were read).
 */
export async function applyScaleSetting(
  options: KubeOptions,
  namespace: string,
  name: string,
  from: ScaleSetting,
  to: ScaleSetting,
): Promise<boolean> {
  const header = setHeaderOptions("Content-Type", PatchStrategy.JsonPatch);
  const swap = (path: string, was: number, now: number) => [
    { op: "test", path, value: was },
    { op: "replace", path, value: now },
  ];
  try {
    if (from.kind === "Deployment" && to.kind === "Deployment") {
      const apps = options.kubeConfig.makeApiClient(AppsV1Api);
      const body = swap("/spec/replicas", from.replicas, to.replicas);
      await withOutageRetry(options, { action: "scale", target: `Deployment ${namespace}/${name}` }, () =>
        apps.patchNamespacedDeploymentScale({ namespace, name, body, fieldManager: SCALING_FIELD_MANAGER }, header),
      );
    } else if (from.kind === "HorizontalPodAutoscaler" && to.kind === "HorizontalPodAutoscaler") {
      const autoscaling = options.kubeConfig.makeApiClient(AutoscalingV2Api);
      const body = [
        ...swap("/spec/minReplicas", from.minReplicas, to.minReplicas),
        ...swap("/spec/maxReplicas", from.maxReplicas, to.maxReplicas),
      ];
      await withOutageRetry(
        options,
        { action: "change the bounds of", target: `HorizontalPodAutoscaler ${namespace}/${name}` },
        () =>
          autoscaling.patchNamespacedHorizontalPodAutoscaler(
            { namespace, name, body, fieldManager: SCALING_FIELD_MANAGER },
            header,
          ),
      );
    } else {
      throw new Error(`cannot change ${from.kind} settings into ${to.kind} settings`);
    }
  } catch (err) {
    // A failed "test" op is a 422 (a 409 if the object changed under the patch); so is an invalid value. Only when
    // the numbers really changed is it someone else's move.
    const status = statusOf(err);
    if ((status === 409 || status === 422) && !sameSetting(await readSetting(options, namespace, name, from), from)) {
      return false;
    }
    throw err;
  }
  return true;
}

async function readSetting(
  options: KubeOptions,
  namespace: string,
  name: string,
  like: ScaleSetting,
): Promise<ScaleSetting | undefined> {
  if (like.kind === "Deployment") {
    const apps = options.kubeConfig.makeApiClient(AppsV1Api);
    const scale = await withOutageRetry(
      options,
      { action: "read the scale of", target: `Deployment ${namespace}/${name}` },
      () => apps.readNamespacedDeploymentScale({ namespace, name }),
    );
    return { kind: "Deployment", replicas: scale.spec?.replicas ?? 0 };
  }
  const autoscaling = options.kubeConfig.makeApiClient(AutoscalingV2Api);
  const hpa = await withOutageRetry(
    options,
    { action: "read", target: `HorizontalPodAutoscaler ${namespace}/${name}` },
    () => autoscaling.readNamespacedHorizontalPodAutoscaler({ namespace, name }),
  );
  return {
    kind: "HorizontalPodAutoscaler",
    minReplicas: hpa.spec?.minReplicas ?? 1,
    maxReplicas: hpa.spec?.maxReplicas ?? 1,
  };
}

function sameSetting(a: ScaleSetting | undefined, b: ScaleSetting): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
