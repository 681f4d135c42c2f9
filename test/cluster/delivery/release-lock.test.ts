// Two deploys to one environment never interleave: the deploy Lease serialises them, a waiter that runs out
// of patience names the holder, an expired lease is taken over, and racing acquirers have exactly one winner.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireDeployLock, DEPLOY_LOCK_NAME } from "../../../src/delivery/deploy-lock.js";
import { DeployLockTimeoutError } from "../../../src/delivery/errors.js";
import { CoordinationV1Api } from "../../../src/delivery/kube-client.js";
import { deployRelease } from "../../../src/delivery/release-deploy.js";
import { environmentStatus } from "../../../src/delivery/status.js";
import { testEnvironment } from "./environment-fixture.js";
import { createShopNamespace, deleteNamespace, fakeImage, testKubeConfig, uniqueNamespace } from "./helpers.js";

const SERVICES = ["api", "payments", "checkout", "storefront"] as const;
const ENV = "dev";

const kubeConfig = testKubeConfig();
const { config, namespaces: created } = testEnvironment("release-lock", [ENV], { progressDeadlineSeconds: 10 });
const namespace = created[ENV] ?? "";
const namespaces = [namespace];
const images = (version: string) => Object.fromEntries(SERVICES.map((s) => [s, fakeImage(config, s, version)]));
const makeNamespace = (name: string) => createShopNamespace(kubeConfig, name, SERVICES);

beforeAll(async () => {
  await makeNamespace(namespace);
});
afterAll(async () => {
  for (const ns of namespaces) await deleteNamespace(kubeConfig, ns);
});

describe("deploy lock", () => {
  it("two deployRelease calls at once run one after the other, never interleaved", async () => {
    const events: { who: string; message: string }[] = [];
    const loggerFor = (who: string) => ({
      info: (message: string) => events.push({ who, message }),
      warn: (message: string) => events.push({ who, message }),
    });
    const run = (who: string, version: string) =>
      deployRelease({
        config,
        env: ENV,
        kubeConfig,
        release: { images: images(version) },
        holderIdentity: who,
        lockTimeoutMs: 120_000,
        timeoutMs: 90_000,
        logger: loggerFor(who),
      });
    const [a, b] = await Promise.all([run("deploy-A", "v1"), run("deploy-B", "v2")]);

    const applies = events.filter((e) => e.message.startsWith("applied "));
    expect(applies.length).toBeGreaterThan(2 * SERVICES.length);
    // the holder changes exactly once along the apply sequence: all of one deploy, then all of the other
    const switches = applies.filter((e, i) => i > 0 && applies[i - 1]?.who !== e.who).length;
    expect(switches).toBe(1);
    const first = applies[0]?.who;
    const second = first === "deploy-A" ? "deploy-B" : "deploy-A";
    // the second one saw the first holding the lock and waited for it
    expect(events.some((e) => e.who === second && e.message.includes(`is held by "${first}"`))).toBe(true);
    const releasedAt = events.findIndex((e) => e.who === first && e.message.includes("released by"));
    const secondAcquiredAt = events.findIndex((e) => e.who === second && e.message.includes("acquired by"));
    expect(releasedAt).toBeGreaterThanOrEqual(0);
    expect(secondAcquiredAt).toBeGreaterThan(releasedAt);

    const status = await environmentStatus({ config, env: ENV, kubeConfig });
    const last = second === "deploy-A" ? a : b;
    const earlier = second === "deploy-A" ? b : a;
    expect(status.currentRelease).toBe(last.release.id);
    expect(status.releases.previous?.id).toBe(earlier.release.id);
    expect(status.matchesCurrentRelease).toBe(true);
    // the lease is gone once both finished
    await expect(
      kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace, name: DEPLOY_LOCK_NAME }),
    ).rejects.toMatchObject({ code: 404 });
  }, 240_000);

  it("a deploy that cannot get the lock in time fails naming the holder and changes nothing", async () => {
    const held = await acquireDeployLock({ kubeConfig, namespace, holderIdentity: "ci-job-42" });
    try {
      const before = await environmentStatus({ config, env: ENV, kubeConfig });
      const applied: string[] = [];
      const err = await deployRelease({
        config,
        env: ENV,
        kubeConfig,
        release: { images: images("v9") },
        lockTimeoutMs: 1_500,
        logger: { info: (m) => applied.push(m), warn: () => {} },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeployLockTimeoutError);
      expect((err as Error).message).toMatch(
        new RegExp(
          `^another deploy in namespace ${namespace} is running \\(lock Lease ${namespace}/${DEPLOY_LOCK_NAME} held by "ci-job-42" since \\S+\\); waited \\d+s: retry when it has finished, or delete the Lease if that deploy is dead$`,
        ),
      );
      expect(applied.filter((m) => m.startsWith("applied "))).toEqual([]);
      const after = await environmentStatus({ config, env: ENV, kubeConfig });
      expect(after.currentRelease).toBe(before.currentRelease);
    } finally {
      await held.release();
    }
  }, 60_000);

  it("takes over an expired lease left by a dead deploy", async () => {
    const ns = uniqueNamespace("release-lock-stale");
    namespaces.push(ns);
    await makeNamespace(ns);
    const stale = new Date(Date.now() - 120_000).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
    const api = kubeConfig.makeApiClient(CoordinationV1Api);
    await api.createNamespacedLease({
      namespace: ns,
      body: {
        metadata: { name: DEPLOY_LOCK_NAME, namespace: ns },
        spec: {
          holderIdentity: "dead-deploy",
          leaseDurationSeconds: 15,
          acquireTime: stale as unknown as Date,
          renewTime: stale as unknown as Date,
        },
      },
    });
    const warnings: string[] = [];
    const lock = await acquireDeployLock({
      kubeConfig,
      namespace: ns,
      holderIdentity: "rescuer",
      waitTimeoutMs: 5_000,
      logger: { info: () => {}, warn: (m) => warnings.push(m) },
    });
    const lease = await api.readNamespacedLease({ namespace: ns, name: DEPLOY_LOCK_NAME });
    expect(lease.spec?.holderIdentity).toBe("rescuer");
    expect(lease.spec?.leaseTransitions).toBe(1);
    expect(warnings.join("\n")).toContain('taking over the expired lease of "dead-deploy"');
    await lock.release();
  }, 60_000);

  it("racing acquirers: exactly one wins, the others time out naming it; renewal keeps it held", async () => {
    const ns = uniqueNamespace("release-lock-race");
    namespaces.push(ns);
    await makeNamespace(ns);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        acquireDeployLock({
          kubeConfig,
          namespace: ns,
          holderIdentity: `racer-${i}`,
          leaseDurationSeconds: 2,
          waitTimeoutMs: 4_000,
          pollMs: 200,
        }),
      ),
    );
    const winners = results.filter((r) => r.status === "fulfilled");
    expect(winners).toHaveLength(1);
    const winner = (winners[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireDeployLock>>>).value;
    for (const r of results) {
      if (r.status === "rejected") {
        expect(r.reason).toBeInstanceOf(DeployLockTimeoutError);
        expect((r.reason as Error).message).toContain(`held by "${winner.holder}"`);
      }
    }
    // 4 s of waiting is twice the lease duration: only renewal kept it from expiring
    expect(winner.lost).toBeUndefined();
    await winner.release();
  }, 60_000);
});
