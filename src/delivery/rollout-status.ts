// Waiting for a Deployment rollout with the rules of `kubectl rollout status`, driven by a watch.

import { failOnCrashLoop } from "./crash-loop.js";
import { revisionOf } from "./deployment-revision.js";
import { KubeApiError, RolloutFailedError, RolloutTimeoutError } from "./errors.js";
import { clockAndLogger, type KubeOptions, withOutageRetry } from "./kube.js";
import { AppsV1Api, type V1Deployment, type V1DeploymentCondition, Watch } from "./kube-client.js";

/** One observed change in a rollout, for progress output. */
export interface RolloutProgress {
  namespace: string;
  name: string;
  revision: string | undefined;
  message: string;
  done: boolean;
  /** The rollout failed (ProgressDeadlineExceeded, or its pods crash-loop); the wait is about to throw RolloutFailedError. */
  failed: boolean;
}

/** The verdict of `kubectl rollout status` on one snapshot of a Deployment. */
export type RolloutState =
  | { kind: "progressing"; message: string }
  | { kind: "done"; message: string }
  | { kind: "failed"; condition: string; reason: string; message: string };

export interface WaitForRolloutOptions extends KubeOptions {
  /** Give up after this long (default 5 minutes). */
  timeoutMs?: number;
  /** Called once per change of the rollout's state message. */
  onProgress?: (progress: RolloutProgress) => void;
  /** Server-side watch timeout per watch request, seconds (default 25, under client-node's 30 s idle timeout). */
  watchSeconds?: number;
  /**
   * Resume watching from this resourceVersion instead of listing first; an expired one (410 Gone) relists.
   * Replayed events of an older generation than the Deployment's current one are ignored.
   */
  resumeFromResourceVersion?: string;
  /**
   * Epoch ms: a ProgressDeadlineExceeded condition last updated at or before this time is stale and not a
   * failure. A rollback sets it to its start: until the restored ReplicaSet makes progress, the controller
   * keeps the failed rollout's condition.
   */
  ignoreFailuresUntil?: number;
  /**
   * Fail the rollout as soon as a container of the new revision's pods has restarted this many times and is not
   * running (CrashLoopBackOff), instead of at the progress deadline; 0 or absent: only the deadline fails it.
   */
  failAfterRestarts?: number;
  /** How often the new revision's pods are read for {@link failAfterRestarts} (default 1000 ms). */
  crashLoopPollMs?: number;
}

/**
 * Judge a Deployment exactly as kubectl's DeploymentStatusViewer does; a ProgressDeadlineExceeded condition
 * updated at or before `ignoreFailuresUntil` (epoch ms) counts as progressing.
 */
export function rolloutState(d: V1Deployment, ignoreFailuresUntil?: number): RolloutState {
  const name = d.metadata?.name ?? "?";
  const generation = d.metadata?.generation ?? 0;
  const status = d.status ?? {};
  if (generation > (status.observedGeneration ?? 0)) {
    return { kind: "progressing", message: "waiting for deployment spec update to be observed" };
  }
  const progressing = status.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded" && !isStale(progressing, ignoreFailuresUntil)) {
    return {
      kind: "failed",
      condition: "Progressing",
      reason: "ProgressDeadlineExceeded",
      message: progressing.message ?? `deployment "${name}" exceeded its progress deadline`,
    };
  }
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const desired = d.spec?.replicas;
  if (desired !== undefined && updated < desired) {
    return { kind: "progressing", message: `${updated} out of ${desired} new replicas have been updated` };
  }
  if (replicas > updated) {
    return { kind: "progressing", message: `${replicas - updated} old replicas are pending termination` };
  }
  if (available < updated) {
    return { kind: "progressing", message: `${available} of ${updated} updated replicas are available` };
  }
  return { kind: "done", message: "successfully rolled out" };
}

// Condition times have whole seconds, and a fresh failure comes at least one progress deadline (>= 1 s) later.
function isStale(condition: V1DeploymentCondition, until: number | undefined): boolean {
  if (until === undefined) return false;
  const updated = new Date(
    (condition.lastUpdateTime ?? condition.lastTransitionTime) as unknown as string | Date,
  ).getTime();
  return Number.isFinite(updated) && updated <= until;
}

/**
 * Wait until a Deployment has rolled out; RolloutFailedError on ProgressDeadlineExceeded,
 * RolloutTimeoutError at the deadline. Lists, then watches from the list's resourceVersion;
 * a 410 Gone (or a broken watch) relists.
 */
export async function waitForRollout(
  namespace: string,
  name: string,
  options: WaitForRolloutOptions,
): Promise<V1Deployment> {
  const { kubeConfig } = options;
  const { clock, logger } = clockAndLogger(options);
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const deadline = clock.now() + timeoutMs;
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const target = `Deployment ${namespace}/${name}`;
  let lastMessage = "not observed yet";
  let lastRevision: string | undefined;

  // A resumed watch replays events from before the current spec; they say nothing about its rollout.
  let currentGeneration = 0;
  if (options.resumeFromResourceVersion !== undefined) {
    const live = await withOutageRetry(options, { action: "wait for rollout of", target, deadline }, () =>
      apps.readNamespacedDeployment({ namespace, name }),
    );
    currentGeneration = live.metadata?.generation ?? 0;
  }

  // The newest Deployment seen, for the crash-loop check.
  let latest: V1Deployment | undefined;
  const reportFailure = (err: RolloutFailedError) => {
    logger.info(`${target} revision ${err.revision ?? "?"}: ${err.reason} (${err.detail})`);
    options.onProgress?.({ namespace, name, revision: err.revision, message: err.detail, done: false, failed: true });
  };

  // Returns the deployment when the rollout has finished; throws when it failed.
  const judge = (d: V1Deployment): V1Deployment | undefined => {
    if ((d.metadata?.generation ?? 0) < currentGeneration) return undefined;
    latest = d;
    const state = rolloutState(d, options.ignoreFailuresUntil);
    lastRevision = revisionOf(d) ?? lastRevision;
    if (state.message !== lastMessage) {
      lastMessage = state.message;
      const progress = {
        namespace,
        name,
        revision: lastRevision,
        message: state.message,
        done: state.kind === "done",
        failed: state.kind === "failed",
      };
      logger.info(`${target} revision ${lastRevision ?? "?"}: ${state.message}`);
      options.onProgress?.(progress);
    }
    if (state.kind === "failed") {
      throw new RolloutFailedError(namespace, name, state.condition, state.reason, lastRevision, state.message);
    }
    return state.kind === "done" ? d : undefined;
  };

  const follow = async (signal: AbortSignal): Promise<V1Deployment> => {
    let resourceVersion = options.resumeFromResourceVersion;
    let relist = resourceVersion === undefined;
    while (clock.now() < deadline && !signal.aborted) {
      if (relist) {
        const list = await withOutageRetry(options, { action: "wait for rollout of", target, deadline }, () =>
          apps.listNamespacedDeployment({ namespace, fieldSelector: `metadata.name=${name}` }),
        );
        const d = list.items[0];
        if (!d) throw new KubeApiError("wait for rollout of", target, 404, "the deployment does not exist");
        const finished = judge(d);
        if (finished) return finished;
        resourceVersion = list.metadata?.resourceVersion;
        relist = false;
      }
      const outcome = await watchOnce(namespace, name, resourceVersion, deadline, options, judge, signal);
      if (outcome.kind === "finished") return outcome.deployment;
      if (outcome.kind === "closed") resourceVersion = outcome.resourceVersion ?? resourceVersion;
      if (outcome.kind === "gone") {
        logger.info(`${target}: watch expired (410 Gone), relisting`);
        relist = true;
      }
      if (outcome.kind === "broken") {
        logger.warn(`${target}: watch broke (${outcome.detail}), relisting`);
        relist = true;
        await clock.sleep(Math.min(500, Math.max(0, deadline - clock.now())));
      }
    }
    throw new RolloutTimeoutError(namespace, name, lastRevision, timeoutMs, lastMessage);
  };

  const stop = new AbortController();
  const waits = [follow(stop.signal)];
  if (options.failAfterRestarts) {
    waits.push(
      failOnCrashLoop(
        () => latest,
        { ...options, restartLimit: options.failAfterRestarts, pollMs: options.crashLoopPollMs },
        stop.signal,
      ).catch((err: unknown) => {
        if (err instanceof RolloutFailedError) reportFailure(err);
        throw err;
      }),
    );
  }
  // The loser of the race ends at the abort below; its rejection then is expected and not a failure.
  for (const wait of waits) wait.catch(() => {});
  try {
    return await Promise.race(waits);
  } finally {
    stop.abort();
  }
}

type WatchOutcome =
  | { kind: "finished"; deployment: V1Deployment }
  | { kind: "closed"; resourceVersion: string | undefined }
  | { kind: "gone" }
  | { kind: "broken"; detail: string };

async function watchOnce(
  namespace: string,
  name: string,
  resourceVersion: string | undefined,
  deadline: number,
  options: WaitForRolloutOptions,
  judge: (d: V1Deployment) => V1Deployment | undefined,
  signal: AbortSignal,
): Promise<WatchOutcome> {
  const { clock } = clockAndLogger(options);
  const remainingSeconds = Math.max(1, Math.ceil((deadline - clock.now()) / 1000));
  const watchSeconds = Math.min(options.watchSeconds ?? 25, remainingSeconds);
  let lastVersion = resourceVersion;
  let settle!: (outcome: WatchOutcome) => void;
  let fail!: (err: unknown) => void;
  const result = new Promise<WatchOutcome>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  let settled = false;
  const finish = (outcome: WatchOutcome | Error) => {
    if (settled) return;
    settled = true;
    controller?.abort();
    if (outcome instanceof Error) fail(outcome);
    else settle(outcome);
  };
  let controller: AbortController | undefined;
  controller = await new Watch(options.kubeConfig).watch(
    `/apis/apps/v1/namespaces/${namespace}/deployments`,
    {
      fieldSelector: `metadata.name=${name}`,
      resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: watchSeconds,
    },
    (type, obj: V1Deployment & { code?: number; message?: string }) => {
      if (settled) return;
      if (type === "ERROR") {
        if (obj.code === 410) finish({ kind: "gone" });
        else finish({ kind: "broken", detail: obj.message ?? `watch error ${obj.code}` });
        return;
      }
      lastVersion = obj.metadata?.resourceVersion ?? lastVersion;
      if (type === "BOOKMARK") return;
      if (type === "DELETED") {
        finish(
          new KubeApiError(
            "wait for rollout of",
            `Deployment ${namespace}/${name}`,
            404,
            "the deployment was deleted during the rollout",
          ),
        );
        return;
      }
      try {
        const done = judge(obj);
        if (done) finish({ kind: "finished", deployment: done });
      } catch (err) {
        finish(err as Error);
      }
    },
    (err) => {
      if (err) finish({ kind: "broken", detail: (err as Error).message ?? String(err) });
      else finish({ kind: "closed", resourceVersion: lastVersion });
    },
  );
  // No separate deadline timer: the server ends the watch after timeoutSeconds, which never exceeds the time left.
  if (settled) controller.abort();
  const stopped = () => finish({ kind: "closed", resourceVersion: lastVersion });
  if (signal.aborted) stopped();
  else signal.addEventListener("abort", stopped, { once: true });
  return result.finally(() => signal.removeEventListener("abort", stopped));
}
