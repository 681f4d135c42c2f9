// The scaling decision for one service at one moment: from what Prometheus measured, what the cluster runs and when
// the watch last acted, to scale out, scale in or hold, and why. Pure, so every rule is unit-tested with plain data.
import type { Capacity, ScalingPolicy } from "./policy.js";

/** What the watch sets: a Deployment's replicas, or an HPA's bounds. */
export type ScaleSetting =
  | { readonly kind: "Deployment"; readonly replicas: number }
  | { readonly kind: "HorizontalPodAutoscaler"; readonly minReplicas: number; readonly maxReplicas: number };

/** One service as measured and read for one decision. */
export interface ScalingObservation {
  /** Epoch ms. */
  readonly now: number;
  /** The revision label of the pods (first 12 hex of the image digest), for messages. */
  readonly revision: string;
  /** `kubectl rollout status`'s verdict: a rollout under way is the deploy's to judge, not the watch's. */
  readonly rolledOut: boolean;
  readonly rolloutMessage: string;
  readonly setting: ScaleSetting;
  /** Pods the Deployment has now (an HPA's status.currentReplicas). */
  readonly currentReplicas: number;
  /** p99 in ms over the window; undefined: no series at all; NaN: series but no requests. */
  readonly p99Ms: number | undefined;
  /** 5xx share over the window; undefined or NaN: no requests. */
  readonly errorRatio: number | undefined;
  /** The highest p99 over the stabilization window (same conventions as p99Ms). */
  readonly peakP99Ms: number | undefined;
  /** The lowest p99 of the same revision over healthyLookback: did it meet the SLO before? */
  readonly bestP99Ms: number | undefined;
  /** When the watch last scaled this service (either way), from the record. */
  readonly lastActionAt: number | undefined;
  readonly lastScaleOutAt: number | undefined;
}

/** Why nothing is done, so output can show a change of reason once instead of every interval. */
export type HoldCode =
  | "mismatch"
  | "rollout"
  | "no-data"
  | "failing"
  | "regression"
  | "cooldown"
  | "ceiling"
  | "steady"
  | "stabilising"
  | "not-quiet";

export type ScalingDecision =
  | { readonly action: "hold"; readonly code: HoldCode; readonly reason: string }
  | {
      readonly action: "scale-out" | "scale-in";
      readonly from: ScaleSetting;
      readonly to: ScaleSetting;
      readonly reason: string;
    };

/** Decide what to do about one service; see docs/delivery.md, Scaling actions, for the rules in prose. */
export function decideScaling(policy: ScalingPolicy, o: ScalingObservation): ScalingDecision {
  const { capacity } = policy;
  const sloP99Ms = policy.slo.p99LatencyMs;
  const mismatch = settingMismatch(capacity, o.setting, policy.env);
  if (mismatch) return hold("mismatch", mismatch);
  if (!o.rolledOut) {
    return hold("rollout", `rollout in progress (${o.rolloutMessage}): a new revision is for the deploy's analysis`);
  }
  if (o.p99Ms === undefined) {
    return hold("no-data", `no latency series for revision ${o.revision} over the last ${policy.window}`);
  }
  const idle = Number.isNaN(o.p99Ms);
  const errors = o.errorRatio === undefined || Number.isNaN(o.errorRatio) ? 0 : o.errorRatio;
  if (errors > policy.slo.errorRate) {
    return hold(
      "failing",
      `error ratio ${percent(errors)} is over slo.errorRate ${percent(policy.slo.errorRate)}: revision ${o.revision} is failing, not saturated, and more replicas would hide it`,
    );
  }
  const p99 = `p99 ${ms(o.p99Ms)} ms`;

  if (!idle && o.p99Ms > sloP99Ms) {
    const burning = `${p99} is over slo.p99LatencyMs ${sloP99Ms} ms`;
    if (o.bestP99Ms === undefined || Number.isNaN(o.bestP99Ms) || o.bestP99Ms > sloP99Ms) {
      const best = o.bestP99Ms === undefined || Number.isNaN(o.bestP99Ms) ? "no data" : `best ${ms(o.bestP99Ms)} ms`;
      return hold(
        "regression",
        `${burning}, but revision ${o.revision} has not met it in the last ${policy.healthyLookback} (${best}): a regression, not saturation; analysis and rollback deal with that`,
      );
    }
    if (o.lastScaleOutAt !== undefined && o.now - o.lastScaleOutAt < policy.scaleOutCooldownMs) {
      return hold(
        "cooldown",
        `${burning}; scaled out at ${iso(o.lastScaleOutAt)}, waiting until ${iso(o.lastScaleOutAt + policy.scaleOutCooldownMs)} for the new pods to show in p99`,
      );
    }
    const to = scaleOutTo(capacity, o.setting, o.currentReplicas, policy.scaleOutStep);
    if (!to) {
      return hold(
        "ceiling",
        `${burning}; already at the ceiling (environments.${policy.env}.scaling.maxReplicas ${capacity.ceiling})`,
      );
    }
    return {
      action: "scale-out",
      from: o.setting,
      to,
      reason: `saturation: ${burning} with error ratio ${percent(errors)} within slo.errorRate, and revision ${o.revision} met it before (best ${ms(o.bestP99Ms)} ms in the last ${policy.healthyLookback})`,
    };
  }

  const to = scaleInTo(capacity, o.setting, policy.scaleInStep);
  if (!to) return hold("steady", `${idle ? "no requests" : p99} at the capacity pipeline.yaml declares`);
  if (o.lastActionAt !== undefined && o.now - o.lastActionAt < policy.stabilizationWindowMs) {
    return hold(
      "stabilising",
      `${idle ? "no requests" : p99}; last action at ${iso(o.lastActionAt)}, no scale-in before ${iso(o.lastActionAt + policy.stabilizationWindowMs)}`,
    );
  }
  const threshold = policy.scaleInBelow * sloP99Ms;
  if (o.peakP99Ms === undefined) {
    return hold("no-data", `no latency series for revision ${o.revision} over the last ${policy.stabilizationWindow}`);
  }
  if (!Number.isNaN(o.peakP99Ms) && o.peakP99Ms > threshold) {
    return hold(
      "not-quiet",
      `p99 peaked at ${ms(o.peakP99Ms)} ms in the last ${policy.stabilizationWindow}, over ${ms(threshold)} ms (scaleInBelow ${policy.scaleInBelow} × slo.p99LatencyMs)`,
    );
  }
  const peak = Number.isNaN(o.peakP99Ms) ? "no requests" : `p99 at most ${ms(o.peakP99Ms)} ms`;
  return {
    action: "scale-in",
    from: o.setting,
    to,
    reason: `${peak} for the last ${policy.stabilizationWindow}, under ${ms(threshold)} ms (scaleInBelow ${policy.scaleInBelow} × slo.p99LatencyMs)`,
  };
}

/** "3 replicas" or "HPA minReplicas 4, maxReplicas 10". */
export function describeSetting(setting: ScaleSetting): string {
  return setting.kind === "Deployment"
    ? `${setting.replicas} replicas`
    : `HPA minReplicas ${setting.minReplicas}, maxReplicas ${setting.maxReplicas}`;
}

// Under an HPA the lever is minReplicas: the HPA scales on CPU, which does not see latency, and it adds pods as soon
// as its minimum is above what runs. maxReplicas follows only when the minimum would pass it.
function scaleOutTo(capacity: Capacity, s: ScaleSetting, current: number, step: number): ScaleSetting | undefined {
  if (s.kind === "Deployment") {
    return s.replicas >= capacity.ceiling
      ? undefined
      : { kind: "Deployment", replicas: Math.min(s.replicas + step, capacity.ceiling) };
  }
  const base = Math.max(current, s.minReplicas);
  if (base >= capacity.ceiling) return undefined;
  const minReplicas = Math.min(base + step, capacity.ceiling);
  return { kind: "HorizontalPodAutoscaler", minReplicas, maxReplicas: Math.max(s.maxReplicas, minReplicas) };
}

// Back toward what pipeline.yaml declares, never below it; undefined when there is nothing to give back.
function scaleInTo(capacity: Capacity, s: ScaleSetting, step: number): ScaleSetting | undefined {
  if (s.kind === "Deployment") {
    if (capacity.kind !== "replicas" || s.replicas <= capacity.declared) return undefined;
    return { kind: "Deployment", replicas: Math.max(s.replicas - step, capacity.declared) };
  }
  if (capacity.kind !== "autoscaler" || (s.minReplicas <= capacity.min && s.maxReplicas <= capacity.max)) {
    return undefined;
  }
  const minReplicas = Math.max(capacity.min, s.minReplicas - step);
  return { kind: "HorizontalPodAutoscaler", minReplicas, maxReplicas: Math.max(capacity.max, minReplicas) };
}

function settingMismatch(capacity: Capacity, s: ScaleSetting, env: string): string | undefined {
  if (capacity.kind === "autoscaler" && s.kind === "Deployment") {
    return `environments.${env}.autoscaling is set but no HPA targets the Deployment: deploy the environment to create it`;
  }
  if (capacity.kind === "replicas" && s.kind === "HorizontalPodAutoscaler") {
    return `an HPA that pipeline.yaml does not declare owns the replicas (environments.${env} has fixed replicas): not fighting it`;
  }
  return undefined;
}

function hold(code: HoldCode, reason: string): ScalingDecision {
  return { action: "hold", code, reason };
}

const ms = (value: number) => String(Math.round(value));
const percent = (ratio: number) => `${Number((ratio * 100).toPrecision(3))}%`;
const iso = (epochMs: number) => new Date(epochMs).toISOString();
