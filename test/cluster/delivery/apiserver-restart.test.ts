// The API server goes away in the middle of a release. A short outage is waited out and the release finishes;
// a long one ends in a clear failure, and the half-applied release stays recorded until the next deploy.
// A watch resumed from before a restart is too old for the new watch cache: 410 Gone, relist.
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyObjects } from "../../../src/delivery/apply.js";
import { ReleaseFailedError } from "../../../src/delivery/errors.js";
import { deployRelease } from "../../../src/delivery/release-deploy.js";
import { waitForRollout } from "../../../src/delivery/rollout-status.js";
import { environmentStatus } from "../../../src/delivery/status.js";
import { compactEtcd, type StoppedComponent, stopComponent } from "../index.js";
import { testEnvironment } from "./environment-fixture.js";
import { createShopNamespace, deleteNamespace, demoDeployment, fakeImage, IMAGE, testKubeConfig } from "./helpers.js";

const kubeConfig = testKubeConfig();
const runDir = dirname(inject("kubeconfig"));
// Controllers and kwok back off for up to tens of seconds after an API server restart; a progress deadline shorter
// than that would (rightly) fail the rollout, which is not what these tests are about.
const { config, namespaces } = testEnvironment("apiserver-restart", ["dev"], { progressDeadlineSeconds: 180 });
const namespace = namespaces.dev ?? "";
const services = Object.keys(config.services);
const dev = { config, env: "dev", kubeConfig };
const images = (version: string) => Object.fromEntries(services.map((s) => [s, fakeImage(config, s, version)]));

beforeAll(async () => {
  await createShopNamespace(kubeConfig, namespace, services);
  await deployRelease({ ...dev, release: { images: images("v1") }, timeoutMs: 90_000 });
}, 120_000);
// After a restart the controllers' and kwok's watches back off (up to 30 s each); the next test file must not
// inherit that, so this file ends only when a fresh rollout goes through again.
afterAll(async () => {
  await applyObjects([demoDeployment(namespace, "v1", { name: "settle", progressDeadlineSeconds: 180 })], {
    kubeConfig,
  });
  await waitForRollout(namespace, "settle", { kubeConfig, timeoutMs: 180_000 });
  await deleteNamespace(kubeConfig, namespace);
}, 200_000);

/** A logger that kills the API server (as a crash would) when the release starts rolling `service`. */
function crashApiServerAt(service: string) {
  const logs: string[] = [];
  let stopped: Promise<StoppedComponent> | undefined;
  const logger = {
    info: (m: string) => {
      logs.push(m);
      if (!stopped && m.endsWith(`: rolling ${service}`))
        stopped = stopComponent(runDir, "kube-apiserver", { graceMs: 0 });
    },
    warn: (m: string) => logs.push(`WARN ${m}`),
  };
  return {
    logs,
    logger,
    async restartAfter(ms: number) {
      while (!stopped) await sleep(20);
      const apiserver = await stopped;
      const downAt = Date.now();
      await sleep(ms);
      await apiserver.start();
      return Date.now() - downAt;
    },
  };
}

describe("an API server restart in the middle of a release", () => {
  it("a short outage is waited out: the release finishes and is recorded as current", async () => {
    const crash = crashApiServerAt("payments");
    const deploying = deployRelease({
      ...dev,
      logger: crash.logger,
      release: { images: images("v2") },
      timeoutMs: 180_000,
      apiOutageToleranceMs: 90_000,
    });
    const outageMs = await crash.restartAfter(3_000);
    const result = await deploying;
    console.log(`API server down for ${outageMs} ms during the rollout of payments; the release finished`);

    expect(result.changed).toEqual(["api", "payments", "checkout", "storefront"]);
    expect(crash.logs.some((l) => l.startsWith("WARN") && l.includes("cannot reach the Kubernetes API server"))).toBe(
      true,
    );
    const status = await environmentStatus(dev);
    expect(status).toMatchObject({ currentRelease: result.release.id, matchesCurrentRelease: true });
    expect(status.releases.inProgress).toBeUndefined();
    for (const s of status.services) expect(s).toMatchObject({ image: images("v2")[s.service], readyReplicas: 1 });
  }, 240_000);

  it("a longer outage than the tolerance fails clearly; the unfinished release stays recorded and the next deploy reports it", async () => {
    const crash = crashApiServerAt("payments");
    const deploying = deployRelease({
      ...dev,
      logger: crash.logger,
      release: { images: images("v3") },
      timeoutMs: 60_000,
      apiOutageToleranceMs: 1_500,
      leaseDurationSeconds: 3,
    }).catch((e: unknown) => e);
    const restarted = crash.restartAfter(8_000);
    const error = await deploying;
    await restarted;

    expect(error).toBeInstanceOf(ReleaseFailedError);
    const message = (error as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toMatch(
      new RegExp(
        `^release \\w{12} to dev \\(${namespace}\\) failed at payments: cannot reach the Kubernetes API server at https://127\\.0\\.0\\.1:\\d+ .*`,
      ),
    );

    // back up: the release that died half-way is on record, with who started it
    const during = await environmentStatus(dev);
    expect(during.releases.inProgress?.images).toEqual(images("v3"));
    expect(during.currentRelease).not.toBe(during.releases.inProgress?.id);

    // the next deploy waits out the dead deploy's lease, records the interrupted release as failed, and finishes
    const next = await deployRelease({
      ...dev,
      release: { images: images("v3") },
      timeoutMs: 150_000,
      lockTimeoutMs: 30_000,
    });
    const after = await environmentStatus(dev);
    expect(after).toMatchObject({ currentRelease: next.release.id, matchesCurrentRelease: true });
    expect(after.releases.inProgress).toBeUndefined();
    expect(after.releases.lastFailed?.error).toMatch(/^interrupted: the deploy by ".+" ended before finishing/);
  }, 240_000);

  it("a watch resumed from a resourceVersion from before the restart gets 410 Gone, relists and judges the current spec", async () => {
    const logs: string[] = [];
    const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(`WARN ${m}`) };
    await applyObjects([demoDeployment(namespace, "v1", { progressDeadlineSeconds: 180 })], { kubeConfig });
    const v1 = await waitForRollout(namespace, "demo", { kubeConfig, timeoutMs: 60_000 });

    await applyObjects([demoDeployment(namespace, "v2", { progressDeadlineSeconds: 180 })], { kubeConfig });
    await waitForRollout(namespace, "demo", { kubeConfig, timeoutMs: 60_000 });
    // After v2, a compaction and a restart, v1's resourceVersion is older than both the new watch cache and what
    // etcd keeps (which serves watches while that cache warms up): a watch resumed from it gets 410 either way.
    await compactEtcd(runDir);
    await (await stopComponent(runDir, "kube-apiserver", { graceMs: 0 })).start();
    const done = await waitForRollout(namespace, "demo", {
      kubeConfig,
      logger,
      timeoutMs: 30_000,
      resumeFromResourceVersion: v1.metadata?.resourceVersion,
    });

    expect(logs, logs.join("\n")).toContain(`Deployment ${namespace}/demo: watch expired (410 Gone), relisting`);
    expect(done.metadata?.generation).toBe(2);
    expect(done.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE}:v2`);
    expect(done.status?.updatedReplicas).toBe(2);
  }, 240_000);
});
