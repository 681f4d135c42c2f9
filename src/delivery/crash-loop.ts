// Failing a rollout as soon as the new revision's pods crash-loop, instead of at the progress deadline (minutes in
// staging and prod): the deployment controller only reports ProgressDeadlineExceeded, and a container that exits at
// start keeps its pods unavailable for the whole of it.

import { revisionOf } from "./deployment-revision.js";
import { RolloutFailedError } from "./errors.js";
import { clockAndLogger, type KubeOptions } from "./kube.js";
import { AppsV1Api, CoreV1Api, type V1ContainerStatus, type V1Deployment, type V1Pod } from "./kube-client.js";
import { labelSelector } from "./label-selector.js";

/** Reason a crash-looping rollout fails with (the kubelet's waiting reason for such a container). */
export const CRASH_LOOP_REASON = "CrashLoopBackOff";

/** A container of the new revision that keeps failing. */
export interface CrashLoop {
  readonly pod: string;
  readonly container: string;
  readonly restarts: number;
  /** e.g. `container checkout restarted 2 times; last exit code 1 (Error): invalid RECONCILE_INTERVAL_MS` */
  readonly detail: string;
}

/**
 * The first container of `pods` that has restarted at least `restartLimit` times and is not running ready now:
 * waiting in CrashLoopBackOff, or terminated. Init containers count too. A container that came up after restarts
 * is not a crash loop.
 */
export function findCrashLoop(pods: readonly V1Pod[], restartLimit: number): CrashLoop | undefined {
  for (const pod of pods) {
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
      if (status.restartCount < restartLimit || status.ready) continue;
      const failing = status.state?.waiting?.reason === CRASH_LOOP_REASON || status.state?.terminated !== undefined;
      if (!failing) continue;
      return {
        pod: pod.metadata?.name ?? "?",
        container: status.name,
        restarts: status.restartCount,
        detail: describeCrash(status),
      };
    }
  }
  return undefined;
}

function describeCrash(status: V1ContainerStatus): string {
  const times = status.restartCount === 1 ? "1 time" : `${status.restartCount} times`;
  const last = status.state?.terminated ?? status.lastState?.terminated;
  if (!last) return `container ${status.name} restarted ${times}`;
  const why = last.reason ? ` (${last.reason})` : "";
  // With terminationMessagePolicy FallbackToLogsOnError this is the end of the container's log.
  const message = lastLine(last.message);
  return `container ${status.name} restarted ${times}; last exit code ${last.exitCode}${why}${message ? `: ${message}` : ""}`;
}

// Node ends an uncaught exception's output with its version, which says nothing about the crash.
const NODE_VERSION_LINE = /^Node\.js v\d+/;

function lastLine(message: string | undefined): string {
  const line =
    message
      ?.split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !NODE_VERSION_LINE.test(l))
      .at(-1) ?? "";
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** The pods of the ReplicaSet that carries `deployment`'s current revision (none before the controller made it). */
export async function podsOfCurrentRevision(deployment: V1Deployment, options: KubeOptions): Promise<V1Pod[]> {
  const namespace = deployment.metadata?.namespace ?? "default";
  const revision = revisionOf(deployment);
  const selector = labelSelector(deployment.spec?.selector);
  if (!revision || !selector) return [];
  const replicaSets = await options.kubeConfig
    .makeApiClient(AppsV1Api)
    .listNamespacedReplicaSet({ namespace, labelSelector: selector });
  const current = replicaSets.items.find(
    (rs) =>
      revisionOf(rs) === revision &&
      rs.metadata?.ownerReferences?.some((ref) => ref.controller && ref.uid === deployment.metadata?.uid),
  );
  const hash = current?.metadata?.labels?.["pod-template-hash"];
  if (!hash) return [];
  const pods = await options.kubeConfig
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace, labelSelector: `${selector},pod-template-hash=${hash}` });
  return pods.items;
}

/** Options of {@link failOnCrashLoop}. */
export interface CrashLoopWatchOptions extends KubeOptions {
  readonly restartLimit: number;
  /** How often the new revision's pods are read (default 1000 ms). */
  readonly pollMs?: number;
}

/**
 * Reads the current revision's pods every `pollMs` until `signal` aborts, and rejects with a RolloutFailedError
 * (reason CrashLoopBackOff) when one crash-loops. `latest` gives the newest Deployment the rollout wait has seen.
 * Errors reading pods are left to the rollout wait, which sees the same API server.
 */
export async function failOnCrashLoop(
  latest: () => V1Deployment | undefined,
  options: CrashLoopWatchOptions,
  signal: AbortSignal,
): Promise<never> {
  const { clock } = clockAndLogger(options);
  const pollMs = options.pollMs ?? 1000;
  while (!signal.aborted) {
    await clock.sleep(pollMs);
    const deployment = latest();
    if (signal.aborted || !deployment) continue;
    if ((deployment.metadata?.generation ?? 0) > (deployment.status?.observedGeneration ?? 0)) continue;
    const pods = await podsOfCurrentRevision(deployment, options).catch(() => []);
    const crash = findCrashLoop(pods, options.restartLimit);
    if (crash && !signal.aborted) {
      throw new RolloutFailedError(
        deployment.metadata?.namespace ?? "default",
        deployment.metadata?.name ?? "?",
        `pod ${crash.pod}`,
        CRASH_LOOP_REASON,
        revisionOf(deployment),
        crash.detail,
      );
    }
  }
  throw signal.reason ?? new Error("aborted");
}
