// Deploying a release (a digest per service) to an environment: under the deploy lock, shared objects first,
// then Deployments one service at a time in dependency order, then the environment's analysis of what changed;
// a failed rollout or a Failed analysis rolls back what this release changed.

import type { PipelineConfig } from "../config/index.js";
import { applyObjects, ensureNamespace } from "./apply.js";
import { acquireDeployLock } from "./deploy-lock.js";
import { revisionOf } from "./deployment-revision.js";
import { DeployRolledBackError, ReleaseFailedError, ReleaseUnverifiedError } from "./errors.js";
import { clockAndLogger, type KubeOptions, readDeploymentIfExists } from "./kube.js";
import type { V1Deployment } from "./kube-client.js";
import {
  assertEnvironment,
  dependencyOrder,
  isPinnedReference,
  parseRelease,
  type Release,
  type ReleaseInput,
  renderRelease,
} from "./manifests/index.js";
import { analysisTargets, verifyRelease } from "./release-analysis.js";
import {
  interruptedRecord,
  type ReleaseAnalysis,
  type ReleaseRecord,
  readReleaseRecords,
  writeReleaseRecords,
} from "./release-records.js";
import { servicesWith, unverifiedAdvice } from "./release-verdict.js";
import { type DeployOptions, deployWithRollback, rollbackDeployment } from "./rollback.js";

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
  /**
   * Base URL of the Prometheus HTTP API. When the environment has an `analysis` block, the services this release
   * changed are judged against it once Ready; without it such a release is recorded as not analysed.
   */
  prometheusUrl?: string;
  /** The storefront synthetic shoppers use while the analysis runs (pipeline.yaml's analysis.load, or its defaults). */
  loadUrl?: string;
  /** Who approved this deploy and when (a promotion into an environment with requiresApproval); recorded. */
  approval?: { by: string; at: string };
  /** The environment and release this one is promoted from; recorded. */
  promotedFrom?: { env: string; release: string };
}

export interface DeployReleaseResult {
  env: string;
  namespace: string;
  release: ReleaseRecord;
  /** Services whose Deployment got a new revision. */
  changed: string[];
}

/**
 * Deploy a release to `env`, serialised by the namespace's deploy Lease. Throws ReleaseFailedError after rolling
 * the release back (failed rollout or Failed analysis), ReleaseUnverifiedError when the analysis was Inconclusive
 * or Error (the release stays, recorded as unverified).
 */
export async function deployRelease(options: DeployReleaseOptions): Promise<DeployReleaseResult> {
  const { config, env, kubeConfig } = options;
  const { clock, logger } = clockAndLogger(options);
  assertEnvironment(config, env);
  const release = "id" in options.release ? options.release : parseRelease(config, options.release, env);
  const namespace = config.environments[env].namespace;
  const failAfterRestarts = options.failAfterRestarts ?? config.environments[env].rollout.failAfterRestarts;
  const kube: DeployOptions = { ...options, kubeConfig, logger, clock, failAfterRestarts };

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
      ...(options.approval ? { approval: options.approval } : {}),
      ...(options.promotedFrom ? { promotedFrom: options.promotedFrom } : {}),
    };
    const before = await readReleaseRecords(namespace, kube);
    // This very release, when the environment ran it before: deployed again, or the previous one rolled back to.
    const recorded = [before.current, before.previous].find((r) => r?.id === release.id);
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
      markFailed?: readonly string[];
      analysis?: ReleaseAnalysis;
    }): Promise<ReleaseFailedError> => {
      const { rolledBack, rollbackFailures } = await rollBackServices(namespace, failure.undo, kube, {
        reason: `release ${release.id} failed at ${failure.service}: ${failure.detail}`,
        markFailed: failure.markFailed ?? [],
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
        failure.analysis,
        record,
      );
      await writeReleaseRecords(namespace, kube, (records) => ({
        ...records,
        inProgress: undefined,
        // The current release judged again and Failed keeps running (nothing here changed it), but not as verified.
        current:
          failure.analysis && records.current?.id === release.id
            ? { ...records.current, analysis: failure.analysis }
            : records.current,
        lastFailed: {
          ...record,
          deployedAt: new Date(clock.now()).toISOString(),
          failedService: failure.service,
          rolledBack,
          error: error.message,
          ...(failure.analysis ? { analysis: failure.analysis } : {}),
        },
      })).catch((recordErr: unknown) => logger.warn(`could not record the failed release: ${String(recordErr)}`));
      return error;
    };

    const order = dependencyOrder(config);
    const changed: string[] = [];
    const revisions: Record<string, string | undefined> = {};
    const ranBefore: Record<string, string | undefined> = {};
    const rolloutStartedAt: Record<string, number> = {};
    for (const service of order) {
      const deployment = deployments.get(service);
      if (!deployment) continue;
      try {
        lock.assertHeld();
        const live = await readDeploymentIfExists(kube, namespace, service);
        const liveRevision = live && revisionOf(live);
        ranBefore[service] = live && pinnedDigestOf(live, service);
        logger.info(`release ${release.id}: rolling ${service}`);
        rolloutStartedAt[service] = clock.now();
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

    const analysis = await verifyRelease({
      config,
      env,
      targets: analysisTargets({
        order,
        digests: record.digests,
        changed,
        before: ranBefore,
        replaced: before.current?.id === release.id ? before.previous : before.current,
        rolloutStartedAt,
      }),
      prometheusUrl: options.prometheusUrl,
      ...(options.loadUrl === undefined ? {} : { loadUrl: options.loadUrl }),
      recorded,
      releaseId: release.id,
      clock,
      logger,
    });
    lock.assertHeld();
    if (analysis?.outcome === "Failed") {
      const failing = servicesWith(analysis.services, order, "Failed");
      throw await fail({
        service: failing[0] ?? "?",
        // A redeploy of the current release changed nothing, so there is nothing of its own to undo.
        detail:
          changed.length > 0
            ? analysis.message
            : `${analysis.message}; this deploy changed nothing, so the release keeps running: roll it back with deliver rollback --env ${env}`,
        rolledBack: [],
        undo: [...changed].reverse(),
        markFailed: failing,
        analysis,
      });
    }

    const final: ReleaseRecord = {
      ...record,
      deployedAt: new Date(clock.now()).toISOString(),
      revisions,
      ...(analysis ? { analysis } : {}),
      ...keptFrom(recorded, record),
    };
    await writeReleaseRecords(namespace, kube, (records) => ({
      ...records,
      inProgress: undefined,
      current: final,
      previous: records.current && records.current.id !== final.id ? records.current : records.previous,
    }));
    if (analysis && (analysis.outcome === "Inconclusive" || analysis.outcome === "Error")) {
      throw new ReleaseUnverifiedError(
        env,
        namespace,
        release.id,
        analysis,
        unverifiedAdvice(env, analysis, options.prometheusUrl),
        final,
        changed,
      );
    }
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

// The digest a Deployment's own container runs, when pinned: the revision a new one is compared with.
function pinnedDigestOf(deployment: V1Deployment, service: string): string | undefined {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  const image = (containers.find((c) => c.name === service) ?? containers[0])?.image;
  return image && isPinnedReference(image) ? image.slice(image.lastIndexOf("@") + 1) : undefined;
}

// A release the environment ran before keeps how it got there (approval, promotion) unless this deploy says anew.
function keptFrom(
  recorded: ReleaseRecord | undefined,
  record: ReleaseRecord,
): Pick<ReleaseRecord, "approval" | "promotedFrom"> {
  const approval = record.approval ?? recorded?.approval;
  const promotedFrom = record.promotedFrom ?? recorded?.promotedFrom;
  return { ...(approval ? { approval } : {}), ...(promotedFrom ? { promotedFrom } : {}) };
}
