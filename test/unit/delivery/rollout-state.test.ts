// kubectl rollout status's verdict on Deployment snapshots, and the stale-failure rule rollbacks rely on.
import type { V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { rolloutState } from "../../../src/delivery/rollout-status.js";

function deployment(status: V1Deployment["status"], generation = 2, replicas = 2): V1Deployment {
  return { metadata: { name: "api", generation }, spec: { replicas } as V1Deployment["spec"], status };
}

const deadlineExceeded = (at: string) => ({
  type: "Progressing",
  status: "False",
  reason: "ProgressDeadlineExceeded",
  message: 'ReplicaSet "api-abc" has timed out progressing.',
  lastUpdateTime: at as unknown as Date,
  lastTransitionTime: at as unknown as Date,
});

describe("rolloutState", () => {
  it("waits for the controller to observe the new generation", () => {
    expect(rolloutState(deployment({ observedGeneration: 1 }))).toEqual({
      kind: "progressing",
      message: "waiting for deployment spec update to be observed",
    });
  });

  it("reports updated, old and available replicas in kubectl's order", () => {
    expect(rolloutState(deployment({ observedGeneration: 2, updatedReplicas: 1, replicas: 2 })).message).toBe(
      "1 out of 2 new replicas have been updated",
    );
    expect(rolloutState(deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 3 })).message).toBe(
      "1 old replicas are pending termination",
    );
    expect(
      rolloutState(deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 }))
        .message,
    ).toBe("1 of 2 updated replicas are available");
    expect(
      rolloutState(deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 })),
    ).toEqual({ kind: "done", message: "successfully rolled out" });
  });

  it("fails on ProgressDeadlineExceeded", () => {
    const d = deployment({ observedGeneration: 2, conditions: [deadlineExceeded("2026-11-30T10:00:05Z")] });
    expect(rolloutState(d)).toMatchObject({ kind: "failed", reason: "ProgressDeadlineExceeded" });
  });

  it("treats a ProgressDeadlineExceeded from before ignoreFailuresUntil as stale, a later one as a failure", () => {
    const rollbackStarted = Date.parse("2026-11-30T10:00:05.400Z");
    const stale = deployment({
      observedGeneration: 2,
      updatedReplicas: 2,
      replicas: 3,
      conditions: [deadlineExceeded("2026-11-30T10:00:05Z")],
    });
    expect(rolloutState(stale, rollbackStarted)).toEqual({
      kind: "progressing",
      message: "1 old replicas are pending termination",
    });
    const fresh = deployment({ observedGeneration: 2, conditions: [deadlineExceeded("2026-11-30T10:00:16Z")] });
    expect(rolloutState(fresh, rollbackStarted)).toMatchObject({ kind: "failed" });
  });
});
