// Server-side apply and rollout status against the real control plane: v1, v2, then a crash- image
// that the deployment controller gives up on (ProgressDeadlineExceeded).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyObjects } from "../../../src/delivery/apply.js";
import { KubeApiError, RolloutFailedError } from "../../../src/delivery/errors.js";
import { type RolloutProgress, rolloutState, waitForRollout } from "../../../src/delivery/rollout-status.js";
import { deleteNamespace, demoDeployment, IMAGE, readDeployment, testKubeConfig, uniqueNamespace } from "./helpers.js";

const kubeConfig = testKubeConfig();
const namespace = uniqueNamespace("delivery-status");

beforeAll(async () => {
  await deleteNamespace(kubeConfig, namespace);
});
afterAll(async () => {
  await deleteNamespace(kubeConfig, namespace);
});

describe("apply + rollout status", () => {
  it("creates the namespace, applies v1 with our field manager and waits until it has rolled out", async () => {
    const progress: RolloutProgress[] = [];
    const [applied] = await applyObjects([demoDeployment(namespace, "v1")], { kubeConfig });
    expect(
      applied?.metadata?.managedFields?.some((f) => f.manager === "ecommerce-delivery" && f.operation === "Apply"),
    ).toBe(true);
    const done = await waitForRollout(namespace, "demo", {
      kubeConfig,
      timeoutMs: 60_000,
      onProgress: (p) => progress.push(p),
    });
    expect(done.status?.observedGeneration).toBeGreaterThanOrEqual(done.metadata?.generation ?? Infinity);
    expect(done.status?.availableReplicas).toBe(2);
    expect(done.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
    expect(progress.at(-1)).toMatchObject({ done: true, message: "successfully rolled out", revision: "1" });
    expect(rolloutState(done).kind).toBe("done");
  });

  it("applies v2 as revision 2 and tracks the new generation", async () => {
    const before = await readDeployment(kubeConfig, namespace);
    await applyObjects([demoDeployment(namespace, "v2")], { kubeConfig });
    const messages: string[] = [];
    const done = await waitForRollout(namespace, "demo", {
      kubeConfig,
      timeoutMs: 60_000,
      onProgress: (p) => messages.push(p.message),
    });
    expect(done.metadata?.generation).toBe((before.metadata?.generation ?? 0) + 1);
    expect(done.status?.observedGeneration).toBe(done.metadata?.generation);
    expect(done.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    expect(done.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE}:v2`);
    expect(messages.at(-1)).toBe("successfully rolled out");
  });

  it("an object the API server rejects is rethrown with kind, namespace and name (not treated as missing)", async () => {
    const bad = demoDeployment(namespace, "v2", { name: "invalid", replicas: -1 });
    const err = await applyObjects([bad], { kubeConfig }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).status).toBe(422);
    expect((err as Error).message).toMatch(
      new RegExp(`^server-side apply of Deployment ${namespace}/invalid failed \\(HTTP 422\\): .*spec\\.replicas.*`),
    );
  });

  it("re-applying the same objects is a no-op (same generation)", async () => {
    const before = await readDeployment(kubeConfig, namespace);
    await applyObjects([demoDeployment(namespace, "v2")], { kubeConfig });
    const after = await readDeployment(kubeConfig, namespace);
    expect(after.metadata?.generation).toBe(before.metadata?.generation);
  });

  it("fails a crash- image with RolloutFailedError naming deployment, condition, reason and revision", async () => {
    await applyObjects([demoDeployment(namespace, "crash-3", { progressDeadlineSeconds: 10 })], { kubeConfig });
    const err = await waitForRollout(namespace, "demo", { kubeConfig, timeoutMs: 90_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RolloutFailedError);
    const failed = err as RolloutFailedError;
    expect(failed).toMatchObject({
      namespace,
      deployment: "demo",
      condition: "Progressing",
      reason: "ProgressDeadlineExceeded",
      revision: "3",
    });
    expect(failed.message).toContain(`deployment ${namespace}/demo revision 3 failed`);
    expect(failed.message).toContain("ProgressDeadlineExceeded");
    // old replicas kept serving: maxUnavailable 0
    expect((await readDeployment(kubeConfig, namespace)).status?.availableReplicas).toBe(2);
  });

  it("gives up at its deadline and says what it was waiting for", async () => {
    await applyObjects([demoDeployment(namespace, "crash-4", { progressDeadlineSeconds: 600 })], { kubeConfig });
    const err = await waitForRollout(namespace, "demo", { kubeConfig, timeoutMs: 3_000 }).catch((e: unknown) => e);
    expect((err as Error).name).toBe("RolloutTimeoutError");
    expect((err as Error).message).toMatch(/did not finish rolling out within 3s; last seen: .+/);
  });
});
