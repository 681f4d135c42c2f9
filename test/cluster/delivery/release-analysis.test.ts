// A release's analysis as the deploy gate, on the real API server with a real Prometheus (Debian's binary). kwok's
// pods run nothing, so each revision's traffic comes from a real local HTTP server that Prometheus scrapes with the
// labels the scrape config gives the shop's pods (namespace, service, revision = the pod's digest label): what the
// analysis sees is what it would see of real pods; which process serves it is the only stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analysisSchema, type PipelineConfig } from "../../../src/config/schema.js";
import { analyseEnvironment } from "../../../src/delivery/analyse-environment.js";
import { ReleaseFailedError, ReleaseUnverifiedError } from "../../../src/delivery/errors.js";
import { digestLabelValue } from "../../../src/delivery/manifests/labels.js";
import { deployRelease } from "../../../src/delivery/release-deploy.js";
import { environmentStatus } from "../../../src/delivery/status.js";
import { TARGET_LABELS } from "../../../src/monitoring/scrape-config.js";
import {
  driveLoad,
  type RevisionServer,
  type RevisionServerOptions,
  startRevisionServer,
} from "../../support/revision-server.js";
import { type RunningPrometheus, startPrometheus } from "../../unit/analysis/real-prometheus.js";
import { testEnvironment } from "./environment-fixture.js";
import { createShopNamespace, deleteNamespace, fakeImage, readDeployment, testKubeConfig } from "./helpers.js";

const SERVICES = ["api", "payments", "checkout", "storefront"] as const;
const ENV = "dev";

const kubeConfig = testKubeConfig();
const fixture = testEnvironment("release-analysis", [ENV], { progressDeadlineSeconds: 10 });
const namespace = fixture.namespaces[ENV] ?? "";
// dev's own SLO (errorRate 0.05, availability 0.99, p99 1000 ms) and default metrics, every second over 5 s.
const config: PipelineConfig = structuredClone(fixture.config);
config.environments.dev.analysis = analysisSchema.parse({ interval: "1s", count: 3, initialDelay: "3s", window: "5s" });

const image = (service: string, version: string) => fakeImage(config, service, version);
const digestOf = (reference: string) => reference.slice(reference.lastIndexOf("@") + 1);
const revisionOf = (service: string, version: string) => digestLabelValue(digestOf(image(service, version)));
const images = (version: string, overrides: Record<string, string> = {}) => ({
  ...Object.fromEntries(SERVICES.map((s) => [s, image(s, version)])),
  ...Object.fromEntries(Object.entries(overrides).map(([s, v]) => [s, image(s, v)])),
});

const logs: string[] = [];
const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(`WARN ${m}`) };

describe("deployRelease with analysis against a real Prometheus", () => {
  let prometheus: RunningPrometheus | undefined;
  const servers: RevisionServer[] = [];
  let load: { stop(): Promise<void> } | undefined;
  const options = () => ({
    config,
    env: ENV,
    kubeConfig,
    logger,
    timeoutMs: 90_000,
    prometheusUrl: (prometheus as RunningPrometheus).url,
  });
  let v1 = "";
  let v2 = "";

  beforeAll(async () => {
    await createShopNamespace(kubeConfig, namespace, SERVICES);
    // v1 and v2 of every service are good; v3's checkout answers every fifth request with a 500, v3's api is good.
    // payments v4 has no server at all: deployed, never scraped. storefront v5 takes 15 ms a request where v2 takes
    // the default 5 ms: 3× slower, far inside dev's 1000 ms p99.
    const revisions: [string, string, RevisionServerOptions][] = [
      ...SERVICES.map((s): [string, string, RevisionServerOptions] => [s, "v1", {}]),
      ...SERVICES.map((s): [string, string, RevisionServerOptions] => [s, "v2", {}]),
      ["api", "v3", {}],
      ["checkout", "v3", { failEvery: 5 }],
      ["storefront", "v5", { delayMs: 15 }],
    ];
    const started = await Promise.all(revisions.map(([, , behaviour]) => startRevisionServer(behaviour)));
    servers.push(...started);
    load = driveLoad(servers, { concurrency: 1, pauseMs: 40 });
    prometheus = await startPrometheus(
      revisions.map(([service, version], i) => ({
        address: (started[i] as RevisionServer).address,
        labels: {
          [TARGET_LABELS.namespace]: namespace,
          [TARGET_LABELS.service]: service,
          [TARGET_LABELS.revision]: revisionOf(service, version),
        },
      })),
    );
  }, 60_000);

  afterAll(async () => {
    if (process.env.DELIVERY_TEST_LOG) console.log(logs.join("\n"));
    await load?.stop();
    await prometheus?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await deleteNamespace(kubeConfig, namespace);
  });

  it("without a Prometheus URL deploys v1 and records it as not analysed", async () => {
    const { prometheusUrl: _, ...withoutPrometheus } = options();
    const result = await deployRelease({ ...withoutPrometheus, release: { images: images("v1") } });
    v1 = result.release.id;
    expect(result.release.analysis).toMatchObject({ outcome: "NotRun", verified: false, services: {} });
    expect(logs.some((l) => l.startsWith(`WARN release ${v1}: not analysed: dev has analysis configured`))).toBe(true);
    const status = await environmentStatus({ config, env: ENV, kubeConfig });
    expect(status.releases.current?.analysis?.outcome).toBe("NotRun");
  }, 180_000);

  it("deploys v2 and judges every changed service against v1: Successful, recorded with each metric", async () => {
    const result = await deployRelease({ ...options(), release: { images: images("v2") } });
    v2 = result.release.id;
    expect(result.changed).toEqual(["api", "payments", "checkout", "storefront"]);
    const analysis = result.release.analysis;
    expect(analysis?.outcome, analysis?.message).toBe("Successful");
    expect(analysis?.verified).toBe(true);
    expect(Object.keys(analysis?.services ?? {})).toEqual(["api", "payments", "checkout", "storefront"]);
    for (const service of SERVICES) {
      const judged = analysis?.services[service];
      expect(judged).toMatchObject({
        phase: "Successful",
        revision: revisionOf(service, "v2"),
        previousRevision: revisionOf(service, "v1"),
      });
      expect(judged?.metrics.map((m) => [m.metric, m.phase, m.measurements])).toEqual([
        ["error-ratio", "Successful", 3],
        ["latency-p99", "Successful", 3],
        ["availability", "Successful", 3],
      ]);
    }
    const status = await environmentStatus({ config, env: ENV, kubeConfig });
    expect(status.releases.current).toMatchObject({ id: v2, analysis: { outcome: "Successful", verified: true } });
    expect(status.releases.previous?.id).toBe(v1);
  }, 180_000);

  it("v3 whose checkout fails 20 % of requests is Ready, fails analysis and is rolled back release-wide", async () => {
    const err = await deployRelease({
      ...options(),
      release: { images: images("v2", { api: "v3", checkout: "v3" }) },
    }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ReleaseFailedError);
    const failed = err as ReleaseFailedError;
    expect(failed.failedService, failed.message).toBe("checkout");
    expect(failed.rolledBack).toEqual(["checkout", "api"]);
    expect(failed.rollbackFailures).toEqual([]);
    const label = revisionOf("checkout", "v3");
    expect(failed.message).toMatch(
      new RegExp(
        `^release \\w{12} to dev \\(${namespace}\\) failed at checkout: analysis Failed: checkout revision ${label}: error-ratio Failed after 1 measurement: result \\[0\\.[12]\\d*\\] did not meet successCondition result <= 0\\.05, .*; rolled back: checkout, api$`,
      ),
    );
    const errorRatio = failed.analysis?.services.checkout?.metrics.find((m) => m.metric === "error-ratio");
    expect(errorRatio?.value?.[0]).toBeGreaterThan(0.1);
    expect(errorRatio?.value?.[0]).toBeLessThan(0.3);

    const status = await environmentStatus({ config, env: ENV, kubeConfig });
    expect(status.currentRelease).toBe(v2); // a failed release never becomes current
    expect(status.matchesCurrentRelease).toBe(true);
    expect(status.releases.lastFailed).toMatchObject({
      failedService: "checkout",
      rolledBack: ["checkout", "api"],
      error: failed.message,
      analysis: { outcome: "Failed", verified: false },
    });
    expect(status.releases.lastFailed?.analysis?.services.checkout?.metrics).toContainEqual(errorRatio);
    const byName = Object.fromEntries(status.services.map((s) => [s.service, s]));
    for (const s of ["api", "checkout"]) {
      expect(byName[s]).toMatchObject({ image: image(s, "v2"), readyReplicas: 1 });
      expect(byName[s]?.lastRollback?.reason).toContain("failed at checkout: analysis Failed");
    }
    // only the revision that failed its analysis is marked bad; api only went back with it
    expect(byName.checkout?.lastRollback?.failedImages).toEqual([image("checkout", "v3")]);
    expect(byName.api?.lastRollback?.failedImages).toEqual([]);
    expect(byName.payments?.lastRollback).toBeUndefined();
  }, 240_000);

  it("v4 whose payments nobody scrapes is left in place, recorded as unverified, and says what to do", async () => {
    const err = await deployRelease({ ...options(), release: { images: images("v2", { payments: "v4" }) } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ReleaseUnverifiedError);
    const unverified = err as ReleaseUnverifiedError;
    expect(unverified.message).toBe(
      `release ${unverified.releaseId} to dev (${namespace}) is deployed but not verified: analysis Inconclusive: payments revision ${revisionOf("payments", "v4")}: error-ratio Inconclusive after 1 measurement: no data: the query returned no series, latency-p99 Inconclusive after 1 measurement: no data: the query returned no series; relative check: no data for this revision, availability Inconclusive after 1 measurement: no data: the query returned no series; the release stays in place, recorded as unverified, and cannot be promoted from dev: check that its services get traffic and that Prometheus at ${prometheus?.url} scrapes their pods, then analyse it again with deliver analyze --env dev, or roll back with deliver rollback --env dev`,
    );
    const status = await environmentStatus({ config, env: ENV, kubeConfig });
    expect(status.releases.current).toMatchObject({
      id: unverified.releaseId,
      analysis: { outcome: "Inconclusive", verified: false },
    });
    expect(status.releases.previous?.id).toBe(v2);
    const payments = await readDeployment(kubeConfig, namespace, "payments");
    expect(payments.spec?.template.spec?.containers[0]?.image).toBe(image("payments", "v4"));
  }, 240_000);

  it("v5 whose storefront is 3× slower but inside the SLO fails the relative check against v2 as it served before the rollout", async () => {
    const err = await deployRelease({
      ...options(),
      release: { images: images("v2", { payments: "v4", storefront: "v5" }) },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReleaseFailedError);
    const failed = err as ReleaseFailedError;
    expect(failed.failedService, failed.message).toBe("storefront");
    expect(failed.rolledBack).toEqual(["storefront"]);
    // The histogram's buckets turn 5 ms and 15 ms into p99s of 4.95 ms (le 0.005) and 24.85 ms (le 0.025): 5.02×;
    // v2 is measured as it served just before storefront's rollout began.
    expect(failed.message).toMatch(
      new RegExp(
        `storefront revision ${revisionOf("storefront", "v5")}: latency-p99 Failed after 1 measurement: ` +
          `result \\[24\\.8\\d*\\] met successCondition result <= 1000; relative check: 24\\.8\\d* is 5\\.0\\d*× ` +
          `previous revision ${revisionOf("storefront", "v2")} as of \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z's 4\\.95 \\(maxRatio 1\\.2\\)`,
      ),
    );
    const live = await readDeployment(kubeConfig, namespace, "storefront");
    expect(live.spec?.template.spec?.containers[0]?.image).toBe(image("storefront", "v2"));
  }, 240_000);

  it("analyseEnvironment judges the current release in place: payments v4 still unscraped, Inconclusive, recorded", async () => {
    const before = await environmentStatus({ config, env: ENV, kubeConfig });
    const err = await analyseEnvironment(options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReleaseUnverifiedError);
    const unverified = err as ReleaseUnverifiedError;
    expect(unverified.releaseId).toBe(before.currentRelease);
    expect(unverified.message).toContain("payments revision");
    expect(unverified.message).toContain(`then analyse it again with deliver analyze --env dev`);
    // every service of the release is judged, not only the one it changed
    expect(Object.keys(unverified.analysis.services)).toEqual(["api", "payments", "checkout", "storefront"]);
    const after = await environmentStatus({ config, env: ENV, kubeConfig });
    expect(after.releases.current?.analysis?.outcome).toBe("Inconclusive");
    expect(after.releases.current?.analysis?.at).not.toBe(before.releases.current?.analysis?.at);
    expect(after.services.map((s) => s.revision)).toEqual(before.services.map((s) => s.revision));
  }, 240_000);
});
