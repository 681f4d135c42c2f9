// The scaling decision as plain data: saturation (p99 over the SLO, errors within it, a revision that met the SLO
// before) scales out by the step up to the ceiling; failing or regressed revisions, rollouts and missing data hold;
// scale-in waits for the stabilization window and a quiet peak, and never goes below what pipeline.yaml declares.
// Under an HPA the same rules move its bounds.
import { describe, expect, it } from "vitest";
import { decideScaling, type ScalingObservation } from "../../../src/delivery/scaling/decide.js";
import type { ScalingPolicy } from "../../../src/delivery/scaling/policy.js";

const MINUTE = 60_000;
const NOW = Date.parse("2025-06-01T12:00:00Z");

const policy: ScalingPolicy = {
  env: "staging",
  namespace: "shop-staging",
  capacity: { kind: "replicas", declared: 2, ceiling: 5 },
  slo: { availability: 0.995, p99LatencyMs: 500, errorRate: 0.01 },
  scaleOutStep: 1,
  scaleInStep: 1,
  stabilizationWindowMs: 5 * MINUTE,
  scaleOutCooldownMs: MINUTE,
  scaleInBelow: 0.5,
  intervalMs: 30_000,
  interval: "30s",
  window: "1m",
  stabilizationWindow: "5m",
  healthyLookback: "1h",
};

/** Saturated: p99 800 ms over a 500 ms SLO, 0.2 % errors, the revision at 120 ms earlier in the hour. */
const saturated: ScalingObservation = {
  now: NOW,
  revision: "4e1f0c2b9a7d",
  rolledOut: true,
  rolloutMessage: "successfully rolled out",
  setting: { kind: "Deployment", replicas: 2 },
  currentReplicas: 2,
  p99Ms: 800,
  errorRatio: 0.002,
  peakP99Ms: 900,
  bestP99Ms: 120,
  lastActionAt: undefined,
  lastScaleOutAt: undefined,
};

/** Quiet: p99 80 ms now and at most 150 ms over the stabilization window, three replicas from an earlier scale-out. */
const quiet: ScalingObservation = {
  ...saturated,
  setting: { kind: "Deployment", replicas: 3 },
  currentReplicas: 3,
  p99Ms: 80,
  peakP99Ms: 150,
  lastActionAt: NOW - 6 * MINUTE,
  lastScaleOutAt: NOW - 6 * MINUTE,
};

const hpaPolicy: ScalingPolicy = {
  ...policy,
  env: "prod",
  capacity: { kind: "autoscaler", min: 3, max: 10, ceiling: 12 },
};

describe("scaling out on saturation", () => {
  it("adds scaleOutStep replicas when p99 is over the SLO, errors are within it and the revision met it before", () => {
    const decision = decideScaling(policy, saturated);
    expect(decision).toMatchObject({
      action: "scale-out",
      from: { kind: "Deployment", replicas: 2 },
      to: { kind: "Deployment", replicas: 3 },
    });
    expect(decision.reason).toBe(
      "saturation: p99 800 ms is over slo.p99LatencyMs 500 ms with error ratio 0.2% within slo.errorRate, and revision 4e1f0c2b9a7d met it before (best 120 ms in the last 1h)",
    );
  });

  it("stops at maxReplicas: a step that would pass it is cut to it, and at the ceiling it holds", () => {
    const bigStep = { ...policy, scaleOutStep: 3 };
    expect(decideScaling(bigStep, { ...saturated, setting: { kind: "Deployment", replicas: 4 } })).toMatchObject({
      action: "scale-out",
      to: { replicas: 5 },
    });
    const atCeiling = decideScaling(policy, { ...saturated, setting: { kind: "Deployment", replicas: 5 } });
    expect(atCeiling).toEqual({
      action: "hold",
      code: "ceiling",
      reason:
        "p99 800 ms is over slo.p99LatencyMs 500 ms; already at the ceiling (environments.staging.scaling.maxReplicas 5)",
    });
  });

  it("holds when errors are over slo.errorRate: a failing revision is not saturated, and replicas would hide it", () => {
    const decision = decideScaling(policy, { ...saturated, errorRatio: 0.05 });
    expect(decision).toEqual({
      action: "hold",
      code: "failing",
      reason:
        "error ratio 5% is over slo.errorRate 1%: revision 4e1f0c2b9a7d is failing, not saturated, and more replicas would hide it",
    });
  });

  it("holds when the revision never met the SLO in the lookback: a regression is for analysis and rollback", () => {
    for (const bestP99Ms of [700, undefined, Number.NaN]) {
      const decision = decideScaling(policy, { ...saturated, bestP99Ms });
      expect(decision.action).toBe("hold");
      expect(decision).toMatchObject({ code: "regression" });
    }
    expect(decideScaling(policy, { ...saturated, bestP99Ms: 700 }).reason).toBe(
      "p99 800 ms is over slo.p99LatencyMs 500 ms, but revision 4e1f0c2b9a7d has not met it in the last 1h (best 700 ms): a regression, not saturation; analysis and rollback deal with that",
    );
  });

  it("treats a p99 exactly at the SLO as met, both now and as the revision's best", () => {
    expect(decideScaling(policy, { ...saturated, p99Ms: 500 }).action).toBe("hold");
    expect(decideScaling(policy, { ...saturated, bestP99Ms: 500 }).action).toBe("scale-out");
  });

  it("waits scaleOutCooldown after a scale-out before the next, then scales again", () => {
    const justScaled = { ...saturated, lastActionAt: NOW - 59_000, lastScaleOutAt: NOW - 59_000 };
    expect(decideScaling(policy, justScaled)).toMatchObject({ action: "hold", code: "cooldown" });
    const cooled = { ...saturated, lastActionAt: NOW - MINUTE, lastScaleOutAt: NOW - MINUTE };
    expect(decideScaling(policy, cooled)).toMatchObject({ action: "scale-out", to: { replicas: 3 } });
  });

  it("holds during a rollout, and without latency series", () => {
    expect(
      decideScaling(policy, {
        ...saturated,
        rolledOut: false,
        rolloutMessage: "1 out of 2 new replicas have been updated",
      }),
    ).toEqual({
      action: "hold",
      code: "rollout",
      reason:
        "rollout in progress (1 out of 2 new replicas have been updated): a new revision is for the deploy's analysis",
    });
    expect(decideScaling(policy, { ...saturated, p99Ms: undefined })).toEqual({
      action: "hold",
      code: "no-data",
      reason: "no latency series for revision 4e1f0c2b9a7d over the last 1m",
    });
  });
});

describe("scaling back in", () => {
  it("removes scaleInStep replicas once the stabilization window has passed and p99 stayed under scaleInBelow × SLO", () => {
    const decision = decideScaling(policy, quiet);
    expect(decision).toMatchObject({
      action: "scale-in",
      from: { kind: "Deployment", replicas: 3 },
      to: { kind: "Deployment", replicas: 2 },
    });
    expect(decision.reason).toBe(
      "p99 at most 150 ms for the last 5m, under 250 ms (scaleInBelow 0.5 × slo.p99LatencyMs)",
    );
  });

  it("holds until the stabilization window since the last action has passed, counting from any action", () => {
    const early = { ...quiet, lastActionAt: NOW - 5 * MINUTE + 1, lastScaleOutAt: NOW - 20 * MINUTE };
    expect(decideScaling(policy, early)).toEqual({
      action: "hold",
      code: "stabilising",
      reason: "p99 80 ms; last action at 2025-06-01T11:55:00.001Z, no scale-in before 2025-06-01T12:00:00.001Z",
    });
    expect(decideScaling(policy, { ...early, lastActionAt: NOW - 5 * MINUTE }).action).toBe("scale-in");
  });

  it("holds while p99 peaked over scaleInBelow × SLO in the window, although it is low now", () => {
    expect(decideScaling(policy, { ...quiet, peakP99Ms: 260 })).toEqual({
      action: "hold",
      code: "not-quiet",
      reason: "p99 peaked at 260 ms in the last 5m, over 250 ms (scaleInBelow 0.5 × slo.p99LatencyMs)",
    });
  });

  it("never goes below the declared replicas: a bigger step stops there, and at them it holds as steady", () => {
    const bigStep = { ...policy, scaleInStep: 5 };
    expect(decideScaling(bigStep, { ...quiet, setting: { kind: "Deployment", replicas: 4 } })).toMatchObject({
      action: "scale-in",
      to: { replicas: 2 },
    });
    expect(decideScaling(policy, { ...quiet, setting: { kind: "Deployment", replicas: 2 } })).toEqual({
      action: "hold",
      code: "steady",
      reason: "p99 80 ms at the capacity pipeline.yaml declares",
    });
  });

  it("scales in a service that got no requests over the whole window (NaN p99), but not one without series", () => {
    const idle = { ...quiet, p99Ms: Number.NaN, peakP99Ms: Number.NaN, errorRatio: Number.NaN };
    expect(decideScaling(policy, idle)).toMatchObject({ action: "scale-in", to: { replicas: 2 } });
    expect(decideScaling(policy, { ...quiet, peakP99Ms: undefined })).toMatchObject({
      action: "hold",
      code: "no-data",
    });
  });

  it("does not scale in a failing revision either", () => {
    expect(decideScaling(policy, { ...quiet, errorRatio: 0.02 })).toMatchObject({ action: "hold", code: "failing" });
  });
});

describe("under a HorizontalPodAutoscaler", () => {
  const hpa = (minReplicas: number, maxReplicas: number) =>
    ({ kind: "HorizontalPodAutoscaler", minReplicas, maxReplicas }) as const;

  it("raises minReplicas above what runs, so the HPA adds pods although CPU does not ask for them", () => {
    const decision = decideScaling(hpaPolicy, { ...saturated, setting: hpa(3, 10), currentReplicas: 4 });
    expect(decision).toMatchObject({ action: "scale-out", from: hpa(3, 10), to: hpa(5, 10) });
  });

  it("takes maxReplicas along once minReplicas would pass it, up to the ceiling and no further", () => {
    expect(decideScaling(hpaPolicy, { ...saturated, setting: hpa(10, 10), currentReplicas: 10 })).toMatchObject({
      action: "scale-out",
      to: hpa(11, 11),
    });
    expect(
      decideScaling({ ...hpaPolicy, scaleOutStep: 5 }, { ...saturated, setting: hpa(10, 10), currentReplicas: 10 }),
    ).toMatchObject({ action: "scale-out", to: hpa(12, 12) });
    expect(decideScaling(hpaPolicy, { ...saturated, setting: hpa(12, 12), currentReplicas: 12 })).toMatchObject({
      action: "hold",
      code: "ceiling",
    });
  });

  it("holds at the ceiling when the HPA already runs that many pods on its own", () => {
    expect(decideScaling(hpaPolicy, { ...saturated, setting: hpa(3, 20), currentReplicas: 12 })).toMatchObject({
      action: "hold",
      code: "ceiling",
    });
  });

  it("scales in by lowering minReplicas toward autoscaling.min, and maxReplicas back to autoscaling.max", () => {
    const quietHpa = { ...quiet, setting: hpa(11, 11), currentReplicas: 11 };
    expect(decideScaling(hpaPolicy, quietHpa)).toMatchObject({ action: "scale-in", to: hpa(10, 10) });
    expect(decideScaling(hpaPolicy, { ...quietHpa, setting: hpa(5, 10) })).toMatchObject({
      action: "scale-in",
      to: hpa(4, 10),
    });
    expect(decideScaling({ ...hpaPolicy, scaleInStep: 10 }, quietHpa)).toMatchObject({
      action: "scale-in",
      to: hpa(3, 10),
    });
    expect(decideScaling(hpaPolicy, { ...quietHpa, setting: hpa(3, 10) })).toMatchObject({
      action: "hold",
      code: "steady",
    });
  });

  it("does not fight an HPA that pipeline.yaml does not declare, nor act without the HPA it declares", () => {
    expect(decideScaling(policy, { ...saturated, setting: hpa(2, 4) })).toEqual({
      action: "hold",
      code: "mismatch",
      reason:
        "an HPA that pipeline.yaml does not declare owns the replicas (environments.staging has fixed replicas): not fighting it",
    });
    expect(decideScaling(hpaPolicy, saturated)).toEqual({
      action: "hold",
      code: "mismatch",
      reason:
        "environments.prod.autoscaling is set but no HPA targets the Deployment: deploy the environment to create it",
    });
  });
});
