// A release rolls all four services in dependency order; a crash in one rolls it back together with the
// services this release had already changed, and the releases ConfigMap and status tell the story.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReleaseFailedError } from "../../../src/delivery/errors.js";
import { deployRelease } from "../../../src/delivery/release-deploy.js";
import { environmentStatus } from "../../../src/delivery/status.js";
import { testEnvironment } from "./environment-fixture.js";
import { createShopNamespace, deleteNamespace, fakeImage, readDeployment, testKubeConfig } from "./helpers.js";

const SERVICES = ["api", "payments", "checkout", "storefront"] as const;
const ENV = "dev";

const kubeConfig = testKubeConfig();
const { config, namespaces } = testEnvironment("release-deploy", [ENV], { progressDeadlineSeconds: 10 });
const namespace = namespaces[ENV] ?? "";
const image = (service: string, version: string, tag?: string) => fakeImage(config, service, version, tag);

function images(version: string, overrides: Record<string, string> = {}): Record<string, string> {
  return { ...Object.fromEntries(SERVICES.map((s) => [s, image(s, version)])), ...overrides };
}

const logs: string[] = [];
const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(`WARN ${m}`) };
const options = { config, env: ENV, kubeConfig, logger, timeoutMs: 90_000 };

beforeAll(() => createShopNamespace(kubeConfig, namespace, SERVICES));
afterAll(async () => {
  if (process.env.DELIVERY_TEST_LOG) console.log(logs.join("\n"));
  await deleteNamespace(kubeConfig, namespace);
});

describe("deployRelease", () => {
  let v1Id = "";
  let v2Id = "";

  it("deploys v1 of all four services in dependency order; all Available, status shows v1", async () => {
    const result = await deployRelease({ ...options, release: { images: images("v1"), revision: "build-1" } });
    v1Id = result.release.id;
    expect(result.changed).toEqual(["api", "payments", "checkout", "storefront"]);
    const rolled = logs.filter((l) => l.includes(": rolling ")).map((l) => l.split(": rolling ")[1]);
    expect(rolled).toEqual(["api", "payments", "checkout", "storefront"]);

    for (const s of SERVICES) {
      const d = await readDeployment(kubeConfig, namespace, s);
      expect(d.status?.conditions?.find((c) => c.type === "Available")?.status).toBe("True");
    }
    const status = await environmentStatus({ config, env: ENV, kubeConfig });
    expect(status.currentRelease).toBe(v1Id);
    expect(status.matchesCurrentRelease).toBe(true);
    expect(status.releases.current?.revision).toBe("build-1");
    for (const s of status.services) {
      expect(s).toMatchObject({
        deployed: true,
        image: image(s.service, "v1"),
        revision: "1",
        readyReplicas: 1,
        desiredReplicas: 1,
        lastRollback: undefined,
      });
    }
  }, 180_000);

  it("deploys v2: status shows v2 everywhere and records v1 as the previous release", async () => {
    const result = await deployRelease({ ...options, release: { images: images("v2") } });
    v2Id = result.release.id;
    expect(v2Id).not.toBe(v1Id);
    const status = await environmentStatus({ config, env: ENV, kubeConfig });
    expect(status.currentRelease).toBe(v2Id);
    expect(status.releases.previous?.id).toBe(v1Id);
    expect(status.releases.current?.digests.checkout).toBe(image("checkout", "v2").split("@")[1]);
    for (const s of status.services) {
      expect(s).toMatchObject({ image: image(s.service, "v2"), revision: "2", readyReplicas: 1, desiredReplicas: 1 });
    }
  }, 180_000);

  it("v3 with a crash- checkout: checkout, payments and api go back to v2, storefront is untouched", async () => {
    const before = await readDeployment(kubeConfig, namespace, "storefront");
    const err = await deployRelease({
      ...options,
      release: { images: images("v3", { checkout: image("checkout", "v3", "crash-1") }) },
    }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ReleaseFailedError);
    const failed = err as ReleaseFailedError;
    expect(failed.failedService, failed.message).toBe("checkout");
    expect(failed.rolledBack, failed.message).toEqual(["checkout", "payments", "api"]);
    expect(failed.rolledBack).toEqual(["checkout", "payments", "api"]);
    expect(failed.rollbackFailures).toEqual([]);
    expect(failed.message).toMatch(
      new RegExp(
        `^release \\w{12} to dev \\(${namespace}\\) failed at checkout: deploy of checkout \\(${namespace}\\) failed at revision 3: ProgressDeadlineExceeded \\(.*\\); rolled back, now serving revision 4 \\(the template of revision 2, [^)]*checkout@sha256:\\w{64}\\); rolled back: checkout, payments, api$`,
      ),
    );

    const status = await environmentStatus({ config, env: ENV, kubeConfig });
    expect(status.currentRelease).toBe(v2Id); // a failed release never becomes current
    expect(status.matchesCurrentRelease).toBe(true);
    expect(status.releases.lastFailed).toMatchObject({ failedService: "checkout", rolledBack: failed.rolledBack });
    const byName = Object.fromEntries(status.services.map((s) => [s.service, s]));
    for (const s of ["api", "payments", "checkout"]) {
      expect(byName[s]).toMatchObject({ image: image(s, "v2"), readyReplicas: 1, desiredReplicas: 1 });
      expect(byName[s]?.lastRollback?.restoredImages).toEqual([image(s, "v2")]);
      expect(byName[s]?.revision).toBe("4"); // v2's template renumbered, as after kubectl rollout undo
    }
    for (const s of ["api", "payments", "checkout"]) {
      expect(byName[s]?.lastRollback?.serving).toBe("4");
      expect(byName[s]?.lastRollback?.completedAt).toBeTruthy();
    }
    expect(byName.checkout?.lastRollback?.failedImages).toEqual([image("checkout", "v3", "crash-1")]);
    expect(byName.api?.lastRollback?.reason).toContain("failed at checkout");
    expect(byName.storefront).toMatchObject({
      image: image("storefront", "v2"),
      revision: "2",
      lastRollback: undefined,
    });
    const after = await readDeployment(kubeConfig, namespace, "storefront");
    expect(after.metadata?.generation).toBe(before.metadata?.generation);
  }, 240_000);
});
