// Deploying a release (a digest per service) to an environment: under the deploy lock, shared objects first,
// then Deployments one service at a time in dependency order; a failure rolls back what this release changed.

import type { PipelineConfig } from "../config/index.js";
import { applyObjects, ensureNamespace } from "./apply.js";
import { acquireDeployLock } from "./deploy-lock.js";
import { DeployRolledBackError, ReleaseFailedError } from "./errors.js";
import { clockAndLogger, isNotFound, type KubeOptions, readDeploymentIfExists, withOutageRetry } from "./kube.js";
import { CoreV1Api, type V1ConfigMap, type V1Deployment } from "./kube-client.js";
import {
  assertEnvironment,
  dependencyOrder,
  MANAGED_BY,
  PART_OF,
  parseRelease,
  type Release,
  type ReleaseInput,
  renderRelease,
} from "./manifests/index.js";
import { type DeployOptions, deployWithRollback, rollbackDeployment } from "./rollback.js";
import { revisionOf } from "./rollout-status.js";

/** ConfigMap in each environment's namespace that records the current and previous release. */
export const RELEASES_CONFIGMAP = "ecommerce-delivery-releases";
export const RELEASE_ANNOTATIONS = {
  current: "ecommerce-delivery/current-release",
  previous: "ecommerce-delivery/previous-release",
  lastFailed: "ecommerce-delivery/last-failed-release",
  inProgress: "ecommerce-delivery/in-progress-release",
} as const;

/** What the releases ConfigMap records about one release. */
export interface ReleaseRecord {
  id: string;
  /** service → full image reference (with digest), exactly as deployed. */
  images: Record<string, string>;
  /** service → `sha256:…` */
  digests: Record<string, string>;
  revision?: string;
  gitSha?: string;
  deployedAt: string;
  /** Deployment revision per service once the release was healthy. */
  revisions?: Record<string, string | undefined>;
}

/** A failed release attempt, as recorded. */
export interface FailedReleaseRecord extends ReleaseRecord {
  failedService: string;
  rolledBack: string[];
  error: string;
}

/** A release being deployed; still there after the deploy ended means it was interrupted (and half-applied). */
export interface InProgressReleaseRecord extends ReleaseRecord {
  /** The deploy Lease holder that started it. */
  holder: string;
}

export interface ReleaseRecords {
  current: ReleaseRecord | undefined;
  previous: ReleaseRecord | undefined;
  lastFailed: FailedReleaseRecord | undefined;
  inProgress: InProgressReleaseRecord | undefined;
}

export interface DeployReleaseOptions extends Omit<DeployOptions, "kubeConfig"> {
  config: PipelineConfig;
  env: string;
  release: ReleaseInput | Release;
  kubeConfig: KubeOptions["kubeConfig"];
  /** Identity written into the deploy Lease. */
  holderIdentity?: string;
  /** How long to wait for another deploy's lock (default 60 s). */
  lockTimeoutMs?: number;
  leaseDurationSeconds?: number;
}

export interface DeployReleaseResult {
  env: string;
  namespace: string;
  release: ReleaseRecord;
  /** Services whose Deployment got a new revision. */
  changed: string[];
}

/** Deploy a release to `env`, serialised by the namespace's deploy Lease. */
export async function deployRelease(options: DeployReleaseOptions): Promise<DeployReleaseResult> {
  const { config, env, kubeConfig } = options;
  const { clock, logger } = clockAndLogger(options);
  assertEnvironment(config, env);
  const release = "id" in options.release ? options.release : parseRelease(config, options.release, env);
  const namespace = config.environments[env].namespace;
  const kube: DeployOptions = { ...options, kubeConfig, logger, clock };

  await ensureNamespace(namespace, kube);
  const lock = await acquireDeployLock({
    kubeConfig,
    logger,
    clock,
    namespace,
    ...(options.holderIdentity !== undefined ? { holderIdentity: options.holderIdentity } : {}),
    ...(options.leaseDurationSeconds !== undefined ? { leaseDurationSeconds: options.leaseDurationSeconds } : {}),
    ...(options.lockTimeoutMs !== undefined ? { waitTimeoutMs: options.lockTimeoutMs } : {}),
  });
  try {
    const record: ReleaseRecord = {
      id: release.id,
      images: Object.fromEntries(Object.entries(release.images).map(([s, i]) => [s, i.reference])),
      digests: Object.fromEntries(Object.entries(release.images).map(([s, i]) => [s, i.digest])),
      ...(release.revision !== undefined ? { revision: release.revision } : {}),
      ...(release.gitSha !== undefined ? { gitSha: release.gitSha } : {}),
      deployedAt: new Date(clock.now()).toISOString(),
    };
    // Recorded before anything changes, so a deploy that dies half-way (crash, lost API server) leaves a trace.
    await writeRecords(namespace, kube, (records) => ({
      ...records,
      lastFailed: records.inProgress ? interrupted(records.inProgress, release.id) : records.lastFailed,
      inProgress: { ...record, holder: lock.holder },
    }));
    logger.info(`release ${release.id} to ${env} (${namespace}): start`);
    const objects = renderRelease(config, env, release);
    const shared = objects.filter((o) => o.kind !== "Deployment");
    const deployments = new Map(
      objects.filter((o): o is V1Deployment => o.kind === "Deployment").map((d) => [d.metadata?.name ?? "", d]),
    );
    await applyObjects(shared, kube);

    const changed: string[] = [];
    const revisions: Record<string, string | undefined> = {};
    for (const service of dependencyOrder(config)) {
      const deployment = deployments.get(service);
      if (!deployment) continue;
      try {
        lock.assertHeld();
        const live = await readDeploymentIfExists(kube, namespace, service);
        const before = live && revisionOf(live);
        logger.info(`release ${release.id}: rolling ${service}`);
        const [done] = await deployWithRollback([deployment], kube);
        revisions[service] = done?.revision;
        if (done?.revision !== before) changed.push(service);
      } catch (err) {
        const detail = (err as Error)?.message ?? String(err);
        const rolledBack: string[] = err instanceof DeployRolledBackError ? [service] : [];
        const rollbackFailures: string[] = [];
        for (const other of [...changed].reverse()) {
          try {
            await rollbackDeployment(namespace, other, {
              ...kube,
              reason: `release ${release.id} failed at ${service}: ${detail}`,
              markImagesFailed: false,
            });
            rolledBack.push(other);
          } catch (rollbackErr) {
            rollbackFailures.push(`${other} (${(rollbackErr as Error)?.message ?? String(rollbackErr)})`);
          }
        }
        const error = new ReleaseFailedError(env, namespace, release.id, service, rolledBack, detail, rollbackFailures);
        await writeRecords(namespace, kube, (records) => ({
          ...records,
          inProgress: undefined,
          lastFailed: {
            ...record,
            deployedAt: new Date(clock.now()).toISOString(),
            failedService: service,
            rolledBack,
            error: error.message,
          },
        })).catch((recordErr: unknown) => logger.warn(`could not record the failed release: ${String(recordErr)}`));
        throw error;
      }
    }

    const final: ReleaseRecord = { ...record, deployedAt: new Date(clock.now()).toISOString(), revisions };
    await writeRecords(namespace, kube, (records) => ({
      ...records,
      inProgress: undefined,
      current: final,
      previous: records.current && records.current.id !== final.id ? records.current : records.previous,
    }));
    logger.info(`release ${release.id} to ${env}: done (changed: ${changed.join(", ") || "none"})`);
    return { env, namespace, release: final, changed };
  } finally {
    // A lock we cannot give back (API server gone) expires by itself; the deploy's own outcome matters more.
    await lock.release().catch((err: unknown) => logger.warn(`could not release the deploy lock: ${String(err)}`));
  }
}

/** Read the release records of a namespace (all undefined when nothing was deployed yet). */
export async function readReleaseRecords(namespace: string, options: KubeOptions): Promise<ReleaseRecords> {
  const cm = await readReleasesConfigMap(namespace, options);
  return recordsOf(cm);
}

async function readReleasesConfigMap(namespace: string, options: KubeOptions): Promise<V1ConfigMap | undefined> {
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  try {
    return await withOutageRetry(
      options,
      { action: "read", target: `ConfigMap ${namespace}/${RELEASES_CONFIGMAP}` },
      () => core.readNamespacedConfigMap({ namespace, name: RELEASES_CONFIGMAP }),
    );
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function recordsOf(cm: V1ConfigMap | undefined): ReleaseRecords {
  const a = cm?.metadata?.annotations ?? {};
  return {
    current: parseJson<ReleaseRecord>(a[RELEASE_ANNOTATIONS.current]),
    previous: parseJson<ReleaseRecord>(a[RELEASE_ANNOTATIONS.previous]),
    lastFailed: parseJson<FailedReleaseRecord>(a[RELEASE_ANNOTATIONS.lastFailed]),
    inProgress: parseJson<InProgressReleaseRecord>(a[RELEASE_ANNOTATIONS.inProgress]),
  };
}

// A release still marked in progress when the next deploy holds the lock never finished.
function interrupted(record: InProgressReleaseRecord, foundBy: string): FailedReleaseRecord {
  const { holder, ...rest } = record;
  return {
    ...rest,
    failedService: "unknown",
    rolledBack: [],
    error: `interrupted: the deploy by "${holder}" ended before finishing (found by release ${foundBy})`,
  };
}

// Called under the deploy lock, so a read-modify-write (server-side apply) does not race another deploy.
async function writeRecords(
  namespace: string,
  options: KubeOptions,
  update: (records: ReleaseRecords) => ReleaseRecords,
): Promise<void> {
  const next = update(recordsOf(await readReleasesConfigMap(namespace, options)));
  const annotations: Record<string, string> = {};
  for (const key of Object.keys(RELEASE_ANNOTATIONS) as (keyof ReleaseRecords)[]) {
    if (next[key]) annotations[RELEASE_ANNOTATIONS[key]] = JSON.stringify(next[key]);
  }
  // Server-side apply owns the annotations: one we leave out (a finished in-progress record) is removed.
  await applyObjects(
    [
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: RELEASES_CONFIGMAP,
          namespace,
          labels: { "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/managed-by": MANAGED_BY },
          annotations,
        },
      } as V1ConfigMap,
    ],
    options,
  );
}

function parseJson<T>(raw: string | undefined): T | undefined {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}
