// A deploy that fails rolls back on its own, like `kubectl rollout undo`, without dropping availability,
// records why on the Deployment, and refuses to re-roll the image it rolled back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DeployRolledBackError,
  RollbackImpossibleError,
  RolledBackImageError,
  RolloutFailedError,
} from "../../../src/delivery/errors.js";
import {
  deployWithRollback,
  LAST_ROLLBACK_ANNOTATION,
  lastRollback,
  rollbackDeployment,
} from "../../../src/delivery/rollback.js";
import { waitForRollout } from "../../../src/delivery/rollout-status.js";
import {
  deleteNamespace,
  demoDeployment,
  IMAGE,
  readDeployment,
  sampleAvailability,
  testKubeConfig,
  uniqueNamespace,
} from "./helpers.js";

const kubeConfig = testKubeConfig();
const namespace = uniqueNamespace("delivery-rollback");
const replicas = 2;
const maxUnavailable = 0;
const logs: string[] = [];
const stamp = (m: string) => logs.push(`${new Date().toISOString()} ${m}`);
const options = {
  kubeConfig,
  timeoutMs: 90_000,
  logger: { info: stamp, warn: stamp },
};

beforeAll(async () => {
  await deployWithRollback([demoDeployment(namespace, "v1", { replicas })], options);
  await deployWithRollback([demoDeployment(namespace, "v2", { replicas })], options);
});
afterAll(async () => {
  if (process.env.DELIVERY_TEST_LOG) console.log(logs.join("\n"));
  await deleteNamespace(kubeConfig, namespace);
});

describe("deployWithRollback", () => {
  it("starts from v1 then v2 as revision 2", async () => {
    const d = await readDeployment(kubeConfig, namespace);
    expect(d.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    expect(d.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE}:v2`);
  });

  it("rolls a crash- image back to revision 2 without ever dropping below replicas - maxUnavailable", async () => {
    const sampler = sampleAvailability(kubeConfig, namespace, { name: "demo" });
    let failureSeenAt = 0;
    const err = await deployWithRollback(
      [demoDeployment(namespace, "crash-3", { replicas, progressDeadlineSeconds: 10 })],
      {
        ...options,
        onProgress: (p) => {
          if (p.failed) failureSeenAt ||= Date.now();
        },
      },
    ).catch((e: unknown) => e);
    const rolledBackAt = Date.now();
    const samples = await sampler.stop();

    expect(err).toBeInstanceOf(DeployRolledBackError);
    const rolled = err as DeployRolledBackError;
    expect(rolled).toMatchObject({
      namespace,
      service: "demo",
      failedRevision: "3",
      restoredFromRevision: "2",
      servingRevision: "4", // the controller renumbers the restored ReplicaSet, as after kubectl rollout undo
    });
    expect(rolled.message).toMatch(
      new RegExp(
        `^deploy of demo \\(${namespace}\\) failed at revision 3: ProgressDeadlineExceeded \\(.+\\); rolled back, now serving revision 4 \\(the template of revision 2, ${IMAGE}:v2\\)$`,
      ),
    );

    const d = await readDeployment(kubeConfig, namespace);
    expect(d.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE}:v2`);
    expect(d.spec?.template.metadata?.labels?.["pod-template-hash"]).toBeUndefined();
    expect(d.status?.availableReplicas).toBe(replicas);
    expect(d.status?.updatedReplicas).toBe(replicas);
    const record = lastRollback(d);
    expect(record).toMatchObject({
      from: "3",
      to: "2",
      serving: "4",
      failedImages: [`${IMAGE}:crash-3`],
      restoredImages: [`${IMAGE}:v2`],
    });
    expect(record?.reason).toContain("ProgressDeadlineExceeded");
    expect(Date.parse(record?.completedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(record?.at ?? ""));
    expect(JSON.parse(d.metadata?.annotations?.[LAST_ROLLBACK_ANNOTATION] ?? "{}")).toEqual(record);

    expect(samples.length).toBeGreaterThan(20);
    const lowest = Math.min(...samples.map((s) => s.available));
    expect(lowest).toBeGreaterThanOrEqual(replicas - maxUnavailable);
    expect(failureSeenAt).toBeGreaterThan(0);
    console.log(
      `crash- rollback: failure visible -> rollback complete ${rolledBackAt - failureSeenAt} ms (error says ${rolled.rollbackMs} ms); ${samples.length} samples, lowest available ${lowest}`,
    );
  });

  it("refuses to re-deploy the rolled-back image and says how to force it", async () => {
    const generation = (await readDeployment(kubeConfig, namespace)).metadata?.generation;
    const err = await deployWithRollback([demoDeployment(namespace, "crash-3", { replicas })], options).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RolledBackImageError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^refusing to deploy ${IMAGE}:crash-3 to demo \\(${namespace}\\): it was rolled back at \\S+ \\(ProgressDeadlineExceeded .+\\); deploy a fixed image, or pass force: true \\(--force\\) to roll it out again$`,
      ),
    );
    const after = await readDeployment(kubeConfig, namespace);
    expect(after.metadata?.generation).toBe(generation); // nothing was applied
    expect(after.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE}:v2`);
  });

  it("a verification hook that rejects a healthy rollout rolls it back too", async () => {
    const err = await deployWithRollback([demoDeployment(namespace, "v5", { replicas })], {
      ...options,
      verify: async ({ deployment }) => {
        throw new Error(`error rate too high on ${deployment.spec?.template.spec?.containers[0]?.image}`);
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeployRolledBackError);
    expect((err as Error).message).toContain(
      `failed at revision 5: verification failed: error rate too high on ${IMAGE}:v5`,
    );
    expect((err as Error).message).toContain("now serving revision 6 (the template of revision 4");
    const d = await readDeployment(kubeConfig, namespace);
    expect(d.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE}:v2`);
    // both bad images stay refused
    expect(lastRollback(d)?.failedImages).toEqual([`${IMAGE}:v5`, `${IMAGE}:crash-3`]);
  });

  it("force re-deploys a refused image; when the controller never flags it, our deadline rolls it back", async () => {
    // Re-deploying a template whose ReplicaSet already exists: the deployment controller reuses that
    // ReplicaSet and leaves Progressing at NewReplicaSetAvailable, so ProgressDeadlineExceeded never comes
    // (observed on v1.37.2). `kubectl rollout status` would wait forever; our deadline catches it.
    const err = await deployWithRollback(
      [demoDeployment(namespace, "crash-3", { replicas, progressDeadlineSeconds: 5 })],
      { ...options, timeoutMs: 15_000, force: true },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeployRolledBackError);
    expect((err as Error).message).toMatch(
      /failed at revision 7: (rollout not finished within 15s|ProgressDeadlineExceeded)/,
    );
    const d = await readDeployment(kubeConfig, namespace);
    expect(d.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE}:v2`);
    expect(d.status?.availableReplicas).toBe(replicas);
  });

  it("rolls back to a given revision (toRevision), and names the kept revisions when it does not exist", async () => {
    const result = await rollbackDeployment(namespace, "demo", { ...options, toRevision: 1, reason: "operator asked" });
    expect(result).toMatchObject({ toRevision: "1", images: [`${IMAGE}:v1`] });
    const d = await readDeployment(kubeConfig, namespace);
    expect(d.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE}:v1`);
    expect(lastRollback(d)).toMatchObject({ to: "1", reason: "operator asked", serving: result.servingRevision });
    const err = await rollbackDeployment(namespace, "demo", { ...options, toRevision: 99 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RollbackImpossibleError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^cannot roll back deployment ${namespace}/demo: revision 99 not found \\(revisions kept: [0-9, ]+\\)$`,
      ),
    );
  });

  it("a first deploy that fails cannot be rolled back and says so", async () => {
    const err = await deployWithRollback(
      [demoDeployment(namespace, "crash-1", { name: "fresh", replicas: 1, progressDeadlineSeconds: 5 })],
      options,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RollbackImpossibleError);
    expect((err as Error).message).toMatch(
      /^cannot roll back deployment .+\/fresh: revision 1 failed \(ProgressDeadlineExceeded .+\) and the rollback failed too: .*no previous revision/,
    );
    await expect(waitForRollout(namespace, "fresh", { kubeConfig, timeoutMs: 5_000 })).rejects.toBeInstanceOf(
      RolloutFailedError,
    );
  });
});
