// When a new revision's pods count as crash-looping (the rollout then fails before its progress deadline), and the
// label selector the pod lookup sends.
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { findCrashLoop } from "../../../src/delivery/crash-loop.js";
import { RolloutFailedError } from "../../../src/delivery/errors.js";
import { labelSelector } from "../../../src/delivery/label-selector.js";

function pod(name: string, statuses: Partial<V1ContainerStatus>[], init: Partial<V1ContainerStatus>[] = []): V1Pod {
  const complete = (s: Partial<V1ContainerStatus>) =>
    ({ name: "checkout", image: "x", imageID: "", ready: false, restartCount: 0, ...s }) as V1ContainerStatus;
  return {
    metadata: { name },
    status: { containerStatuses: statuses.map(complete), initContainerStatuses: init.map(complete) },
  };
}

const backOff = { waiting: { reason: "CrashLoopBackOff", message: "back-off 20s restarting failed container" } };
const exited = (message?: string) => ({
  terminated: { exitCode: 1, reason: "Error", ...(message === undefined ? {} : { message }) } as never,
});

describe("findCrashLoop", () => {
  it("finds a container in CrashLoopBackOff once it has restarted the limit, with its last exit and log line", () => {
    const looping = pod("checkout-7d9f-abcde", [
      {
        restartCount: 2,
        state: backOff,
        lastState: exited("starting checkout\ninvalid config: RECONCILE_INTERVAL_MS must be a positive integer\n"),
      },
    ]);
    expect(findCrashLoop([looping], 2)).toEqual({
      pod: "checkout-7d9f-abcde",
      container: "checkout",
      restarts: 2,
      detail:
        "container checkout restarted 2 times; last exit code 1 (Error): invalid config: RECONCILE_INTERVAL_MS must be a positive integer",
    });
  });

  it("is not a crash loop below the limit, nor once the container runs ready after restarts", () => {
    const once = pod("a", [{ restartCount: 1, state: backOff, lastState: exited() }]);
    expect(findCrashLoop([once], 2)).toBeUndefined();
    const recovered = pod("b", [{ restartCount: 3, ready: true, state: { running: {} }, lastState: exited() }]);
    expect(findCrashLoop([recovered], 2)).toBeUndefined();
    expect(
      findCrashLoop([pod("c", [{ restartCount: 0, state: { waiting: { reason: "ContainerCreating" } } }])], 1),
    ).toBe(undefined);
  });

  it("counts a container that is terminated right now, and init containers", () => {
    const terminated = pod("d", [{ restartCount: 4, state: exited("panic") }]);
    expect(findCrashLoop([terminated], 2)?.detail).toBe(
      "container checkout restarted 4 times; last exit code 1 (Error): panic",
    );
    const initLoop = pod(
      "e",
      [{ state: { waiting: { reason: "PodInitializing" } } }],
      [{ name: "migrate", restartCount: 2, state: backOff, lastState: exited() }],
    );
    expect(findCrashLoop([initLoop], 2)).toMatchObject({
      container: "migrate",
      detail: expect.stringMatching(/^container migrate restarted 2 times; last exit code 1 \(Error\)$/),
    });
  });

  it("reports the first crash-looping pod of several and says 1 time for a single restart", () => {
    const fine = pod("f", [{ restartCount: 0, ready: true, state: { running: {} } }]);
    const looping = pod("g", [{ restartCount: 1, state: backOff }]);
    expect(findCrashLoop([fine, looping], 1)).toMatchObject({
      pod: "g",
      detail: "container checkout restarted 1 time",
    });
  });

  it("skips the Node.js version line an uncaught exception ends with", () => {
    const thrown = pod("i", [
      {
        restartCount: 2,
        state: backOff,
        lastState: exited("Error: boom\n    at start (file:///app/server.js:3:9)\n\nNode.js v24.11.1\n"),
      },
    ]);
    expect(findCrashLoop([thrown], 2)?.detail).toMatch(/: at start \(file:\/\/\/app\/server\.js:3:9\)$/);
  });

  it("keeps a long last log line short", () => {
    const noisy = pod("h", [{ restartCount: 2, state: backOff, lastState: exited("x".repeat(1000)) }]);
    expect(findCrashLoop([noisy], 2)?.detail.length).toBeLessThan(400);
  });
});

describe("the error a crash-looping rollout fails with", () => {
  it("names the pod and the reason, and keeps kubectl's wording for the progress deadline", () => {
    expect(
      new RolloutFailedError(
        "shop-dev",
        "checkout",
        "pod checkout-abc",
        "CrashLoopBackOff",
        "3",
        "container checkout restarted 2 times",
      ).message,
    ).toBe(
      "deployment shop-dev/checkout revision 3 failed: pod checkout-abc is CrashLoopBackOff (container checkout restarted 2 times)",
    );
    expect(
      new RolloutFailedError("shop-dev", "checkout", "Progressing", "ProgressDeadlineExceeded", "3", "timed out")
        .message,
    ).toBe(
      "deployment shop-dev/checkout revision 3 failed: Progressing condition is ProgressDeadlineExceeded (timed out)",
    );
  });
});

describe("labelSelector", () => {
  it("writes matchLabels, then each matchExpressions operator, as the labelSelector parameter", () => {
    expect(
      labelSelector({
        matchLabels: { app: "checkout", env: "dev" },
        matchExpressions: [
          { key: "tier", operator: "In", values: ["web", "api"] },
          { key: "track", operator: "NotIn", values: ["canary"] },
          { key: "owner", operator: "Exists" },
          { key: "legacy", operator: "DoesNotExist" },
        ],
      }),
    ).toBe("app=checkout,env=dev,tier in (web,api),track notin (canary),owner,!legacy");
    expect(labelSelector(undefined)).toBe("");
  });
});
