// The scaling ConfigMap of an environment's namespace: every action `deliver watch` took, per service, newest last.
// It is also the watch's memory (when it last acted), so a watch started again, or `--once` from a schedule, keeps
// the cooldown and the stabilization window. Read back through zod: a record that does not parse counts as absent.
import { z } from "zod";
import { isNotFound, type KubeOptions, statusOf, withOutageRetry } from "../kube.js";
import { CoreV1Api, PatchStrategy, setHeaderOptions, type V1ConfigMap } from "../kube-client.js";
import { MANAGED_BY, PART_OF } from "../manifests/index.js";

/** ConfigMap in each environment's namespace that records the watch's scaling actions. */
export const SCALING_CONFIGMAP = "ecommerce-delivery-scaling";
/** Annotation holding one service's actions as JSON ({@link ScalingHistory}). */
export const scalingAnnotation = (service: string) => `ecommerce-delivery/scaling.${service}`;
/** Actions kept per service; older ones drop off. */
export const SCALING_HISTORY_LIMIT = 20;
/** Who changes replicas and HPA bounds, as `kubectl get --show-managed-fields` shows it. */
export const SCALING_FIELD_MANAGER = "ecommerce-delivery-watch";

const setting = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("Deployment"), replicas: z.int() }),
  z.object({ kind: z.literal("HorizontalPodAutoscaler"), minReplicas: z.int(), maxReplicas: z.int() }),
]);
/** A measured value; null: there were series but no requests (NaN, which JSON cannot hold). */
const measured = z.number().nullable().optional();

const actionSchema = z.object({
  /** ISO time the change was made. */
  at: z.string(),
  action: z.enum(["scale-out", "scale-in"]),
  /** "Deployment shop-prod/api" or "HorizontalPodAutoscaler shop-prod/api". */
  target: z.string(),
  /** Revision label of the pods measured. */
  revision: z.string(),
  from: setting,
  to: setting,
  reason: z.string(),
  measured: z.object({ p99Ms: measured, errorRatio: measured, peakP99Ms: measured, bestP99Ms: measured }),
});

const historySchema = z.object({ actions: z.array(actionSchema) });

/** One scaling action as recorded. */
export type ScalingAction = z.infer<typeof actionSchema>;
/** One service's recorded actions, oldest first. */
export type ScalingHistory = z.infer<typeof historySchema>;

/** Every service's recorded actions in a namespace (services the watch never acted on are absent). */
export async function readScalingRecords(
  namespace: string,
  options: KubeOptions,
): Promise<Record<string, ScalingHistory>> {
  const annotations = (await readScalingConfigMap(namespace, options))?.metadata?.annotations ?? {};
  const prefix = scalingAnnotation("");
  const records: Record<string, ScalingHistory> = {};
  for (const [key, raw] of Object.entries(annotations)) {
    if (!key.startsWith(prefix)) continue;
    const history = parseHistory(raw);
    if (history) records[key.slice(prefix.length)] = history;
  }
  return records;
}

/**
 * Append an action to a service's record. A JSON merge patch of that service's annotation only, so watches of other
 * services (or another environment sharing nothing but the API server) never overwrite each other's records.
 */
export async function recordScalingAction(
  namespace: string,
  service: string,
  action: ScalingAction,
  options: KubeOptions,
): Promise<ScalingHistory> {
  const current = (await readScalingRecords(namespace, options))[service] ?? { actions: [] };
  const next: ScalingHistory = { actions: [...current.actions, action].slice(-SCALING_HISTORY_LIMIT) };
  const annotations = { [scalingAnnotation(service)]: JSON.stringify(next) };
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const target = { action: "record a scaling action in", target: `ConfigMap ${namespace}/${SCALING_CONFIGMAP}` };
  try {
    await withOutageRetry(options, target, () =>
      core.patchNamespacedConfigMap(
        {
          namespace,
          name: SCALING_CONFIGMAP,
          body: { metadata: { annotations } },
          fieldManager: SCALING_FIELD_MANAGER,
        },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    );
    return next;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const body: V1ConfigMap = {
    metadata: {
      name: SCALING_CONFIGMAP,
      namespace,
      labels: { "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/managed-by": MANAGED_BY },
      annotations,
    },
  };
  try {
    await withOutageRetry(options, target, () =>
      core.createNamespacedConfigMap({ namespace, body, fieldManager: SCALING_FIELD_MANAGER }),
    );
  } catch (err) {
    // Created by another watch in between: patch ours in.
    if (statusOf(err) !== 409) throw err;
    return recordScalingAction(namespace, service, action, options);
  }
  return next;
}

/** The last action, and the last scale-out, of a history (epoch ms), for the decision. */
export function lastActions(history: ScalingHistory | undefined): {
  lastActionAt: number | undefined;
  lastScaleOutAt: number | undefined;
} {
  const actions = history?.actions ?? [];
  const time = (a: ScalingAction | undefined) => (a ? Date.parse(a.at) : undefined);
  return {
    lastActionAt: time(actions.at(-1)),
    lastScaleOutAt: time(actions.findLast((a) => a.action === "scale-out")),
  };
}

async function readScalingConfigMap(namespace: string, options: KubeOptions): Promise<V1ConfigMap | undefined> {
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  try {
    return await withOutageRetry(
      options,
      { action: "read", target: `ConfigMap ${namespace}/${SCALING_CONFIGMAP}` },
      () => core.readNamespacedConfigMap({ namespace, name: SCALING_CONFIGMAP }),
    );
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function parseHistory(raw: string): ScalingHistory | undefined {
  try {
    const parsed = historySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
