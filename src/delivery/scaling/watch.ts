// The watch: every scaling.interval, for each service of an environment, read the cluster, measure the revision in
// Prometheus, decide, act, record. Bounded by `once` or `forMs`, and stopped between evaluations by an AbortSignal.
import type { PipelineConfig } from "../../config/index.js";
import type { PrometheusClient } from "../analysis/prometheus-client.js";
import { acquireDeployLock, WATCH_LEASE } from "../deploy-lock.js";
import { ScalingError } from "../errors.js";
import { clockAndLogger, type KubeOptions } from "../kube.js";
import { dependencyOrder } from "../manifests/index.js";
import { decideScaling, describeSetting, type HoldCode } from "./decide.js";
import { type LatencyMeasurements, measureLatency, scalingQueries } from "./measure.js";
import { type ScalingPolicy, scalingPolicy } from "./policy.js";
import { lastActions, readScalingRecords, recordScalingAction, type ScalingAction } from "./records.js";
import { applyScaleSetting, readScaleState } from "./target.js";

/** Why a service was left alone: the decision's reasons, and the watch's own. */
export type WatchHoldCode = HoldCode | "not-deployed" | "changed" | "prometheus-error";

/** What happened to one service in one evaluation. */
export interface WatchEvent {
  /** ISO time of the evaluation. */
  readonly at: string;
  readonly service: string;
  readonly revision: string | undefined;
  readonly outcome:
    | { readonly kind: "hold"; readonly code: WatchHoldCode; readonly reason: string }
    | { readonly kind: "scaled"; readonly action: ScalingAction };
}

export interface WatchScalingOptions extends KubeOptions {
  readonly config: PipelineConfig;
  readonly env: string;
  /** Default: every service, in dependency order. */
  readonly services?: readonly string[];
  readonly prometheus: PrometheusClient;
  /** Evaluate once and return. */
  readonly once?: boolean;
  /** Return when the next evaluation would start later than this many ms after the first. */
  readonly forMs?: number;
  /** Stops the watch between evaluations (SIGTERM in the CLI); an evaluation under way finishes first. */
  readonly signal?: AbortSignal;
  /** Called for every service in every evaluation. */
  readonly onEvent?: (event: WatchEvent) => void;
  /** Evaluations in a row with a failed Prometheus query before the watch gives up; default 3. */
  readonly maxPrometheusFailures?: number;
  /** Identity written into the watch Lease. */
  readonly holderIdentity?: string;
}

export interface WatchSummary {
  readonly evaluations: number;
  readonly actions: readonly ScalingAction[];
  readonly stoppedBy: "once" | "for" | "signal";
}

/**
 * Watch an environment's services and scale them within its scaling block's bounds (docs/delivery.md). Holds the
 * namespace's watch Lease while it runs: a second watch of the same environment fails at once, naming the first.
 */
export async function watchScaling(options: WatchScalingOptions): Promise<WatchSummary> {
  const { clock, logger } = clockAndLogger(options);
  const policy = scalingPolicy(options.config, options.env);
  const services = options.services ?? dependencyOrder(options.config);
  if (!options.once && options.forMs === undefined) throw new Error("watchScaling needs once or forMs: it is bounded");
  const lock = await acquireDeployLock({
    kubeConfig: options.kubeConfig,
    clock,
    logger,
    namespace: policy.namespace,
    lease: WATCH_LEASE,
    waitTimeoutMs: 0,
    ...(options.holderIdentity === undefined ? {} : { holderIdentity: options.holderIdentity }),
  });
  try {
    return await watchHoldingLease(options, policy, services, () => lock.assertHeld());
  } finally {
    await lock.release().catch((err: unknown) => logger.warn(`could not release the watch lock: ${String(err)}`));
  }
}

async function watchHoldingLease(
  options: WatchScalingOptions,
  policy: ScalingPolicy,
  services: readonly string[],
  assertHeld: () => void,
): Promise<WatchSummary> {
  const { clock } = clockAndLogger(options);
  const started = clock.now();
  const actions: ScalingAction[] = [];
  let evaluations = 0;
  let failuresInARow = 0;
  for (;;) {
    assertHeld();
    const evaluationStart = clock.now();
    const events = await evaluate(options, policy, services);
    evaluations++;
    for (const event of events) {
      if (event.outcome.kind === "scaled") actions.push(event.outcome.action);
      options.onEvent?.(event);
    }
    const failed = events.find((e) => e.outcome.kind === "hold" && e.outcome.code === "prometheus-error");
    failuresInARow = failed ? failuresInARow + 1 : 0;
    if (failed && failuresInARow >= (options.maxPrometheusFailures ?? 3)) {
      throw new ScalingError(
        "prometheus_unavailable",
        options.env,
        `deliver watch of ${options.env} stopped: Prometheus failed ${failuresInARow} evaluations in a row, so the watch cannot see what it would act on; last: ${failed.outcome.kind === "hold" ? failed.outcome.reason : ""}`,
      );
    }
    if (options.once) return { evaluations, actions, stoppedBy: "once" };
    const next = evaluationStart + policy.intervalMs;
    if (next > started + (options.forMs ?? 0)) return { evaluations, actions, stoppedBy: "for" };
    await pauseUntil(options, next);
    if (options.signal?.aborted) return { evaluations, actions, stoppedBy: "signal" };
  }
}

/** One evaluation of every service, side by side; a Kubernetes failure rejects once all have finished. */
async function evaluate(
  options: WatchScalingOptions,
  policy: ScalingPolicy,
  services: readonly string[],
): Promise<WatchEvent[]> {
  const records = await readScalingRecords(policy.namespace, options);
  const settled = await Promise.allSettled(
    services.map((service) => evaluateService(options, policy, service, lastActions(records[service]))),
  );
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (rejected) throw rejected.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<WatchEvent>).value);
}

async function evaluateService(
  options: WatchScalingOptions,
  policy: ScalingPolicy,
  service: string,
  last: ReturnType<typeof lastActions>,
): Promise<WatchEvent> {
  const { clock, logger } = clockAndLogger(options);
  const at = new Date(clock.now()).toISOString();
  const hold = (code: WatchHoldCode, reason: string, revision?: string): WatchEvent => ({
    at,
    service,
    revision,
    outcome: { kind: "hold", code, reason },
  });
  const state = await readScaleState(options, policy.namespace, service);
  if (!state) return hold("not-deployed", `no Deployment ${policy.namespace}/${service}: nothing to scale`);
  const { revision } = state;
  if (!revision) {
    return hold("no-data", `the Deployment's image is not pinned by digest, so there is no revision to measure`);
  }
  let measured: LatencyMeasurements;
  try {
    measured = await measureLatency(options.prometheus, scalingQueries(policy, service, revision));
  } catch (err) {
    logger.warn(`${policy.env}/${service}: ${(err as Error).message}`);
    return hold("prometheus-error", (err as Error).message, revision);
  }
  const decision = decideScaling(policy, { ...state, revision, ...measured, ...last, now: clock.now() });
  if (decision.action === "hold") return hold(decision.code, decision.reason, revision);

  const name = state.target.slice(state.target.lastIndexOf("/") + 1);
  if (!(await applyScaleSetting(options, policy.namespace, name, decision.from, decision.to))) {
    return hold("changed", `${state.target} changed while the watch decided; deciding again next interval`, revision);
  }
  const action: ScalingAction = {
    at: new Date(clock.now()).toISOString(),
    action: decision.action,
    target: state.target,
    revision,
    from: decision.from,
    to: decision.to,
    reason: decision.reason,
    measured: {
      p99Ms: json(measured.p99Ms),
      errorRatio: json(measured.errorRatio),
      peakP99Ms: json(measured.peakP99Ms),
      bestP99Ms: json(measured.bestP99Ms),
    },
  };
  await recordScalingAction(policy.namespace, service, action, options);
  logger.info(
    `${state.target}: ${decision.action} from ${describeSetting(decision.from)} to ${describeSetting(decision.to)}: ${decision.reason}`,
  );
  return { at, service, revision, outcome: { kind: "scaled", action } };
}

// NaN (no requests) as null, which JSON can hold; undefined (no series) left out.
function json(value: number | undefined): number | null | undefined {
  return value === undefined ? undefined : Number.isNaN(value) ? null : value;
}

// Sleep in slices of at most a second, so an abort ends the pause quickly with any clock, and no timer outlives it.
async function pauseUntil(options: WatchScalingOptions, until: number): Promise<void> {
  const { clock } = clockAndLogger(options);
  while (!options.signal?.aborted) {
    const left = until - clock.now();
    if (left <= 0) return;
    await clock.sleep(Math.min(left, 1_000));
  }
}
