// Rolling a Deployment back the way `kubectl rollout undo` does, and a deploy that rolls back on failure.

import { applyObjects, FIELD_MANAGER } from "./apply.js";
import { REVISION_ANNOTATION, revisionOf } from "./deployment-revision.js";
import {
  DeliveryError,
  DeployRolledBackError,
  KubeApiError,
  RollbackImpossibleError,
  RolledBackImageError,
  RolloutFailedError,
  RolloutTimeoutError,
  VerificationFailedError,
} from "./errors.js";
import { clockAndLogger, isNotFound, readDeploymentIfExists, withOutageRetry } from "./kube.js";
import {
  AppsV1Api,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
  type V1PodTemplateSpec,
  type V1ReplicaSet,
} from "./kube-client.js";
import { labelSelector } from "./label-selector.js";
import { type WaitForRolloutOptions, waitForRollout } from "./rollout-status.js";

/** Annotation on a Deployment holding the last rollback as JSON (see RollbackRecord). */
export const LAST_ROLLBACK_ANNOTATION = "ecommerce-delivery/last-rollback";

/** What the last-rollback annotation records. */
export interface RollbackRecord {
  /** Revision that was rolled back (the failed one). */
  from: string;
  /** Revision whose pod template was restored. */
  to: string;
  /** Revision the Deployment has after the rollback (the controller renumbers the restored ReplicaSet). */
  serving?: string;
  reason: string;
  /** ISO time the rollback started. */
  at: string;
  /** ISO time the restored revision was healthy again. */
  completedAt?: string;
  /** Images of the rolled-back template; a later deploy of any of them is refused unless forced. */
  failedImages: string[];
  /** Images now serving. */
  restoredImages: string[];
}

export interface RollbackOptions extends WaitForRolloutOptions {
  /** Revision to restore; default the one before the current, as `kubectl rollout undo`. */
  toRevision?: number | string;
  /** Why; recorded on the Deployment. */
  reason?: string;
  /**
   * Record the rolled-back images as bad, so a later deploy of them is refused (default true). False when a
   * healthy service only goes back together with another service's failure.
   */
  markImagesFailed?: boolean;
}

export interface RollbackResult {
  namespace: string;
  name: string;
  fromRevision: string;
  toRevision: string;
  servingRevision: string | undefined;
  images: string[];
  record: RollbackRecord;
  /** From the start of the rollback until the restored revision was healthy. */
  durationMs: number;
}

// Annotations kubectl does not copy from a ReplicaSet back onto its Deployment; ours are never copied either.
const SKIPPED_ANNOTATIONS = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION_ANNOTATION,
  "deployment.kubernetes.io/revision-history",
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
  "deprecated.deployment.rollback.to",
]);

/** Parse the last-rollback annotation of a Deployment, if any. */
export function lastRollback(deployment: V1Deployment): RollbackRecord | undefined {
  const raw = deployment.metadata?.annotations?.[LAST_ROLLBACK_ANNOTATION];
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as RollbackRecord;
  } catch {
    return undefined;
  }
}

/** Restore a Deployment's earlier pod template (as `kubectl rollout undo`), wait until healthy, record why. */
export async function rollbackDeployment(
  namespace: string,
  name: string,
  options: RollbackOptions,
): Promise<RollbackResult> {
  const { kubeConfig } = options;
  const { clock, logger } = clockAndLogger(options);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const target = `Deployment ${namespace}/${name}`;
  const started = clock.now();

  // Read, choose, patch; a concurrent change to the Deployment fails the resourceVersion test, then we start over.
  let prepared:
    | { fromRevision: string; toRevision: string; record: RollbackRecord; restoredImages: string[] }
    | undefined;
  for (let attempt = 1; !prepared; attempt++) {
    prepared = await prepareAndPatch(attempt);
  }
  const { fromRevision, toRevision, record, restoredImages } = prepared;

  async function prepareAndPatch(attempt: number) {
    let deployment: V1Deployment;
    try {
      deployment = await withOutageRetry(options, { action: "read", target }, () =>
        apps.readNamespacedDeployment({ namespace, name }),
      );
    } catch (err) {
      if (isNotFound(err)) throw new RollbackImpossibleError(namespace, name, "the deployment does not exist");
      throw err;
    }
    if (deployment.spec?.paused) {
      throw new RollbackImpossibleError(namespace, name, "it is paused; resume it (kubectl rollout resume) first");
    }
    const history = await ownedReplicaSets(deployment, options);
    const { current, restore } = pickRevision(namespace, name, deployment, history, options.toRevision);
    const template = templateOf(restore.rs);
    const fromRevision = revisionOf(deployment) ?? String(current);
    const toRevision = String(restore.revision);
    const failedImages = options.markImagesFailed === false ? [] : imagesOf(deployment.spec?.template);
    const restoredImages = imagesOf(template);
    const previous = lastRollback(deployment);
    const record: RollbackRecord = {
      from: fromRevision,
      to: toRevision,
      reason: options.reason ?? "manual rollback",
      at: new Date(clock.now()).toISOString(),
      // keep earlier bad images too (bounded), so none of them is silently re-rolled
      failedImages: [...new Set([...failedImages, ...(previous?.failedImages ?? [])])]
        .filter((image) => !restoredImages.includes(image))
        .slice(0, 20),
      restoredImages,
    };

    if (sameJson(template, deployment.spec?.template)) {
      throw new RollbackImpossibleError(
        namespace,
        name,
        `its template already matches revision ${toRevision}; nothing to roll back`,
      );
    }

    const annotations = { ...(deployment.metadata?.annotations ?? {}) };
    for (const [key, value] of Object.entries(restore.rs.metadata?.annotations ?? {})) {
      if (!SKIPPED_ANNOTATIONS.has(key) && !key.startsWith("ecommerce-delivery/")) annotations[key] = value;
    }
    annotations[LAST_ROLLBACK_ANNOTATION] = JSON.stringify(record);
    logger.info(`${target}: rolling back from revision ${fromRevision} to the template of revision ${toRevision}`);
    // A JSON patch replaces the whole template (a merge would keep labels and env only the bad template had).
    // The resourceVersion test makes it a compare-and-swap against the deployment we read.
    const ops = [
      { op: "test", path: "/metadata/resourceVersion", value: deployment.metadata?.resourceVersion },
      { op: "replace", path: "/spec/template", value: template },
      { op: deployment.metadata?.annotations ? "replace" : "add", path: "/metadata/annotations", value: annotations },
    ];
    try {
      await withOutageRetry(options, { action: "roll back", target }, () =>
        apps.patchNamespacedDeployment(
          { namespace, name, body: ops, fieldManager: FIELD_MANAGER },
          setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
        ),
      );
    } catch (err) {
      const status = err instanceof KubeApiError ? err.status : undefined;
      if (attempt < 4 && (status === 409 || status === 422)) return undefined;
      throw err;
    }
    return { fromRevision, toRevision, record, restoredImages };
  }

  const healthy = await waitForRollout(namespace, name, { ...options, ignoreFailuresUntil: started });
  const servingRevision = revisionOf(healthy);
  const done: RollbackRecord = {
    ...record,
    serving: servingRevision,
    completedAt: new Date(clock.now()).toISOString(),
  };
  // metadata-only change: does not bump the generation or start a rollout
  await withOutageRetry(options, { action: "record the rollback on", target }, () =>
    apps.patchNamespacedDeployment(
      { namespace, name, body: { metadata: { annotations: { [LAST_ROLLBACK_ANNOTATION]: JSON.stringify(done) } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    ),
  );
  const durationMs = clock.now() - started;
  logger.info(`${target}: revision ${servingRevision} (template of ${toRevision}) is serving after ${durationMs} ms`);
  return {
    namespace,
    name,
    fromRevision,
    toRevision,
    servingRevision,
    images: restoredImages,
    record: done,
    durationMs,
  };
}

/** A check run after a rollout completes; throw (or reject) to have the deploy rolled back. */
export type VerifyHook = (target: { namespace: string; name: string; deployment: V1Deployment }) => Promise<void>;

export interface DeployOptions extends WaitForRolloutOptions {
  verify?: VerifyHook;
  /** Deploy even images a previous rollback marked as bad. */
  force?: boolean;
}

export interface DeployedService {
  namespace: string;
  name: string;
  revision: string | undefined;
}

/**
 * Apply objects, wait for every Deployment's rollout, verify; on failure roll the changed Deployments
 * back and throw DeployRolledBackError. Refuses images a previous rollback recorded, unless forced.
 */
export async function deployWithRollback(
  objects: readonly KubernetesObject[],
  options: DeployOptions,
): Promise<DeployedService[]> {
  const deployments = objects.filter((o): o is V1Deployment => o.kind === "Deployment");
  const before = new Map<string, string | undefined>();
  for (const d of deployments) {
    const namespace = d.metadata?.namespace ?? "default";
    const name = d.metadata?.name ?? "";
    const live = await readDeploymentIfExists(options, namespace, name);
    before.set(`${namespace}/${name}`, live ? revisionOf(live) : undefined);
    const record = live && lastRollback(live);
    if (record && !options.force) {
      const bad = imagesOf(d.spec?.template).find((image) => record.failedImages.includes(image));
      if (bad) throw new RolledBackImageError(namespace, name, bad, record.at, record.reason);
    }
  }

  await applyObjects(objects, options);

  const done: DeployedService[] = [];
  for (const d of deployments) {
    const namespace = d.metadata?.namespace ?? "default";
    const name = d.metadata?.name ?? "";
    let revision: string | undefined;
    try {
      const healthy = await waitForRollout(namespace, name, options);
      revision = revisionOf(healthy);
      if (options.verify) {
        try {
          await options.verify({ namespace, name, deployment: healthy });
        } catch (err) {
          throw new VerificationFailedError(namespace, name, revision, (err as Error)?.message ?? String(err));
        }
      }
      done.push({ namespace, name, revision });
    } catch (err) {
      if (
        !(
          err instanceof RolloutFailedError ||
          err instanceof RolloutTimeoutError ||
          err instanceof VerificationFailedError
        )
      ) {
        throw err;
      }
      const failureSeen = clockAndLogger(options).clock.now();
      const reason = failureReason(err);
      const failedRevision = err.revision ?? revision;
      const rolled = await rollbackDeployment(namespace, name, { ...options, reason }).catch((rollbackErr: unknown) => {
        if (rollbackErr instanceof DeliveryError) {
          throw new RollbackImpossibleError(
            namespace,
            name,
            `revision ${failedRevision ?? "?"} failed (${reason}) and the rollback failed too: ${rollbackErr.message}`,
          );
        }
        throw rollbackErr;
      });
      // services this deploy already changed go back too, so the environment is not left half-released
      for (const other of done) {
        if (before.get(`${other.namespace}/${other.name}`) === other.revision) continue;
        await rollbackDeployment(other.namespace, other.name, {
          ...options,
          reason: `rolled back with ${name}: ${reason}`,
          markImagesFailed: false,
        });
      }
      throw new DeployRolledBackError(
        namespace,
        name,
        failedRevision,
        reason,
        rolled.servingRevision,
        rolled.toRevision,
        rolled.images,
        clockAndLogger(options).clock.now() - failureSeen,
      );
    }
  }
  return done;
}

function failureReason(err: RolloutFailedError | RolloutTimeoutError | VerificationFailedError): string {
  if (err instanceof RolloutFailedError) return `${err.reason} (${err.detail})`;
  if (err instanceof RolloutTimeoutError) {
    return `rollout not finished within ${Math.round(err.timeoutMs / 1000)}s (${err.lastStatus})`;
  }
  return `verification failed: ${err.detail}`;
}

interface Revisioned {
  revision: number;
  rs: V1ReplicaSet;
}

async function ownedReplicaSets(deployment: V1Deployment, options: RollbackOptions): Promise<Revisioned[]> {
  const namespace = deployment.metadata?.namespace ?? "default";
  const uid = deployment.metadata?.uid;
  const { items } = await withOutageRetry(
    options,
    { action: "list ReplicaSets of", target: `Deployment ${namespace}/${deployment.metadata?.name}` },
    () =>
      options.kubeConfig.makeApiClient(AppsV1Api).listNamespacedReplicaSet({
        namespace,
        labelSelector: labelSelector(deployment.spec?.selector),
      }),
  );
  return items
    .filter((rs) => rs.metadata?.ownerReferences?.some((ref) => ref.controller && ref.uid === uid))
    .map((rs) => ({ revision: Number(revisionOf(rs) ?? 0), rs }))
    .filter((r) => Number.isFinite(r.revision) && r.revision > 0);
}

function pickRevision(
  namespace: string,
  name: string,
  deployment: V1Deployment,
  history: Revisioned[],
  toRevision: number | string | undefined,
): { current: number; restore: Revisioned } {
  const sorted = [...history].sort((a, b) => b.revision - a.revision);
  const current = Number(revisionOf(deployment) ?? sorted[0]?.revision ?? 0);
  const known = sorted.map((r) => r.revision).join(", ") || "none";
  if (toRevision !== undefined && Number(toRevision) !== 0) {
    const wanted = sorted.find((r) => r.revision === Number(toRevision));
    if (!wanted) {
      throw new RollbackImpossibleError(namespace, name, `revision ${toRevision} not found (revisions kept: ${known})`);
    }
    return { current, restore: wanted };
  }
  // as kubectl: the highest revision below the newest one
  const previous = sorted.find((r) => r.revision < (sorted[0]?.revision ?? 0));
  if (!previous) {
    throw new RollbackImpossibleError(
      namespace,
      name,
      `no previous revision to roll back to (revisions kept: ${known})`,
    );
  }
  return { current, restore: previous };
}

function templateOf(rs: V1ReplicaSet): V1PodTemplateSpec {
  const template = structuredClone(rs.spec?.template ?? {}) as V1PodTemplateSpec;
  if (template.metadata?.labels) delete template.metadata.labels["pod-template-hash"];
  return template;
}

function imagesOf(template: V1PodTemplateSpec | undefined): string[] {
  const spec = template?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image ?? "").filter(Boolean);
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)))
      : v,
  );
}
