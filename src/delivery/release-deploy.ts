// Deploying a release (a digest per service) to an environment: under the deploy lock, shared objects first,
// then Deployments one service at a time in dependency order; a failure rolls back what this release changed.

import type { PipelineConfig } from "../config/index.js";
import { applyObjects, ensureNamespace } from "./apply.js";
import { acquireDeployLock } from "./deploy-lock.js";
import { DeployRolledBackError, ReleaseFailedError } from "./errors.js";
import { clockAndLogger, type KubeOptions, readDeploymentIfExists } from "./kube.js";
import type { V1Deployment } from "./kube-client.js";
import {
  assertEnvironment,
  dependencyOrder,
  parseRelease,
  type Release,
  type ReleaseInput,
  renderRelease,
} from "./manifests/index.js";
import { interruptedRecord, type ReleaseRecord, writeReleaseRecords } from "./release-records.js";
import { type DeployOptions, deployWithRollback, rollbackDeployment } from "./rollback.js";
import { revisionOf } from "./rollout-status.js";

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
    await writeReleaseRecords(namespace, kube, (records) => ({
      ...records,
      lastFailed: records.inProgress ? interruptedRecord(records.inProgress, release.id) : records.lastFailed,
      inProgress: { ...record, holder: lock.holder },
    }));
    logger.info(`release ${release.id} to ${env} (${namespace}): start`);
    const objects = renderRelease(config, env, release);
    const shared = objects.filter((o) => o.kind !== "Deployment");
    const deployments = new Map(
      objects.filter((o): o is V1Deployment => o.kind === "Deployment").map((d) => [d.metadata?.name ?? "", d]),
    );
    await applyObjects(shared, kube);

    // A release that fails: roll back what it changed, newest first, record it as the last failed release.
    const fail = async (failure: {
      service: string;
      detail: string;
      rolledBack: string[];
      undo: readonly string[];
    }): Promise<ReleaseFailedError> => {
      const { rolledBack, rollbackFailures } = await rollBackServices(namespace, failure.undo, kube, {
        reason: `release ${release.id} failed at ${failure.service}: ${failure.detail}`,
        markFailed: [],
        rolledBack: failure.rolledBack,
      });
      const error = new ReleaseFailedError(
        env,
        namespace,
        release.id,
        failure.service,
        rolledBack,
        failure.detail,
        rollbackFailures,
      );
      await writeReleaseRecords(namespace, kube, (records) => ({
        ...records,
        inProgress: undefined,
        lastFailed: {
          ...record,
          deployedAt: new Date(clock.now()).toISOString(),
          failedService: failure.service,
          rolledBack,
          error: error.message,
        },
      })).catch((recordErr: unknown) => logger.warn(`could not record the failed release: ${String(recordErr)}`));
      return error;
    };

    const order = dependencyOrder(config);
    const changed: string[] = [];
    const revisions: Record<string, string | undefined> = {};
    for (const service of order) {
      const deployment = deployments.get(service);
      if (!deployment) continue;
      try {
        lock.assertHeld();
        const live = await readDeploymentIfExists(kube, namespace, service);
        const liveRevision = live && revisionOf(live);
        logger.info(`release ${release.id}: rolling ${service}`);
        const [done] = await deployWithRollback([deployment], kube);
        revisions[service] = done?.revision;
        if (done?.revision !== liveRevision) changed.push(service);
      } catch (err) {
        throw await fail({
          service,
          detail: (err as Error)?.message ?? String(err),
          rolledBack: err instanceof DeployRolledBackError ? [service] : [],
          undo: [...changed].reverse(),
        });
      }
    }

    const final: ReleaseRecord = {
      ...record,
      deployedAt: new Date(clock.now()).toISOString(),
      revisions,
    };
    await writeReleaseRecords(namespace, kube, (records) => ({
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

/**
 * Roll services back one at a time (newest change first), each to the revision it had before; a service that
 * cannot be rolled back is reported, and the others are still tried. The ones in `markFailed` get their images
 * recorded as bad (refused on the next deploy unless forced); the others only went back with them.
 */
async function rollBackServices(
  namespace: string,
  services: readonly string[],
  kube: DeployOptions,
  how: { reason: string; markFailed: readonly string[]; rolledBack: readonly string[] },
): Promise<{ rolledBack: string[]; rollbackFailures: string[] }> {
  const rolledBack = [...how.rolledBack];
  const rollbackFailures: string[] = [];
  for (const service of services) {
    try {
      await rollbackDeployment(namespace, service, {
        ...kube,
        reason: how.reason,
        markImagesFailed: how.markFailed.includes(service),
      });
      rolledBack.push(service);
    } catch (rollbackErr) {
      rollbackFailures.push(`${service} (${(rollbackErr as Error)?.message ?? String(rollbackErr)})`);
    }
  }
  return { rolledBack, rollbackFailures };
}
