// deliver rollback, spawned as a user runs it: v1 then v2, and the rollback restores v1's template.
import { afterAll, describe, expect, it } from "vitest";
import { applyObjects } from "../../../src/delivery/apply.js";
import { lastRollback } from "../../../src/delivery/rollback.js";
import { waitForRollout } from "../../../src/delivery/rollout-status.js";
import { testEnvironment } from "./environment-fixture.js";
import { deleteNamespace, demoDeployment, IMAGE, readDeployment, testKubeConfig } from "./helpers.js";

const kubeConfig = testKubeConfig();
const { namespaces, deliver } = testEnvironment("deliver-rollback", ["staging"]);
const namespace = namespaces.staging ?? "";

afterAll(async () => {
  await deleteNamespace(kubeConfig, namespace);
});

describe("deliver rollback", () => {
  it("restores the previous revision's template and records the rollback", async () => {
    for (const tag of ["v1", "v2"]) {
      await applyObjects([demoDeployment(namespace, tag, { name: "checkout", progressDeadlineSeconds: 60 })], {
        kubeConfig,
      });
      await waitForRollout(namespace, "checkout", { kubeConfig, timeoutMs: 60_000 });
    }
    const run = await deliver(["rollback", "--env", "staging", "--service", "checkout"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      `staging/checkout: rolled back from revision 2 to the template of revision 1, now serving revision 3 (${IMAGE}:v1)\n`,
    );
    const d = await readDeployment(kubeConfig, namespace, "checkout");
    expect(d.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE}:v1`);
    expect(lastRollback(d)).toMatchObject({ from: "2", to: "1", reason: "manual rollback (deliver rollback)" });

    // a revision that does not exist is a one-line error, exit 1
    const bad = await deliver(["rollback", "--env", "staging", "--service", "checkout", "--to-revision", "9"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split("\n")).toEqual([
      `cannot roll back deployment ${namespace}/checkout: revision 9 not found (revisions kept: 3, 2)`,
    ]);
  }, 120_000);
});
