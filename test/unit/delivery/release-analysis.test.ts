// The analysis step of a release against a real Prometheus (Debian's binary) scraping real HTTP servers, one per
// revision, labelled as the scrape config labels the shop's pods: a checkout answering 20 % of requests with a 500
// fails the release with the measurement in the verdict and stops the other services' runs; a service with no
// traffic makes the release Inconclusive without stopping the others; good revisions pass.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { pipelineSchema } from "../../../src/config/schema.js";
import { systemClock } from "../../../src/delivery/kube.js";
import { digestLabelValue } from "../../../src/delivery/manifests/labels.js";
import { type AnalysisTarget, analyseRelease } from "../../../src/delivery/release-analysis.js";
import { TARGET_LABELS } from "../../../src/monitoring/scrape-config.js";
import { driveLoad, type RevisionServer, startRevisionServer } from "../../support/revision-server.js";
import { type RunningPrometheus, startPrometheus } from "../analysis/real-prometheus.js";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const API_OLD = digest("a");
const API_NEW = digest("b");
const CHECKOUT_OLD = digest("c");
const CHECKOUT_BAD = digest("d");
const CHECKOUT_GOOD = digest("e");
const PAYMENTS_SILENT = digest("f"); // deployed, but nothing scrapes it: no data

const COUNT = 5;
const raw = parse(readFileSync(fileURLToPath(new URL("../../../pipeline.yaml", import.meta.url)), "utf8"));
// dev's own SLO (errorRate 0.05, availability 0.99, p99 1000 ms) and default metrics, measured every second.
const config = pipelineSchema.parse({
  ...raw,
  environments: {
    ...raw.environments,
    dev: { ...raw.environments.dev, analysis: { interval: "1s", count: COUNT, initialDelay: "3s", window: "5s" } },
  },
});

const logs: string[] = [];
const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(`WARN ${m}`) };

describe("analyseRelease against a real Prometheus", () => {
  let prometheus: RunningPrometheus | undefined;
  const servers: RevisionServer[] = [];
  let load: { stop(): Promise<void> } | undefined;
  const analyse = (targets: AnalysisTarget[]) =>
    analyseRelease({
      config,
      env: "dev",
      prometheusUrl: (prometheus as RunningPrometheus).url,
      targets,
      clock: systemClock,
      logger,
    });

  beforeAll(async () => {
    const revisions: [string, string, { failEvery?: number }][] = [
      ["api", API_OLD, {}],
      ["api", API_NEW, {}],
      ["checkout", CHECKOUT_OLD, {}],
      ["checkout", CHECKOUT_BAD, { failEvery: 5 }],
      ["checkout", CHECKOUT_GOOD, {}],
    ];
    const started = await Promise.all(revisions.map(([, , options]) => startRevisionServer(options)));
    servers.push(...started);
    load = driveLoad(servers);
    prometheus = await startPrometheus(
      revisions.map(([service, revision], i) => ({
        address: (started[i] as RevisionServer).address,
        labels: {
          [TARGET_LABELS.namespace]: "shop-dev",
          [TARGET_LABELS.service]: service,
          [TARGET_LABELS.revision]: digestLabelValue(revision),
        },
      })),
    );
  }, 40_000);

  afterAll(async () => {
    await load?.stop();
    await prometheus?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    if (process.env.DELIVERY_TEST_LOG) console.log(logs.join("\n"));
  });

  it("fails the release on checkout's 20 % errors, names metric, value and condition, and stops api's run", async () => {
    const started = Date.now();
    const verdict = await analyse([
      { service: "api", digest: API_NEW, previousDigest: API_OLD },
      { service: "checkout", digest: CHECKOUT_BAD, previousDigest: CHECKOUT_OLD },
    ]);
    expect(verdict.outcome, verdict.message).toBe("Failed");
    expect(verdict.verified).toBe(false);
    const checkout = verdict.services.checkout;
    expect(checkout?.phase).toBe("Failed");
    expect(checkout?.revision).toBe(digestLabelValue(CHECKOUT_BAD));
    expect(checkout?.previousRevision).toBe(digestLabelValue(CHECKOUT_OLD));
    const errorRatio = checkout?.metrics.find((m) => m.metric === "error-ratio");
    expect(errorRatio?.phase).toBe("Failed");
    expect(errorRatio?.value?.[0]).toBeGreaterThan(0.1);
    expect(errorRatio?.value?.[0]).toBeLessThan(0.3);
    expect(errorRatio?.message).toMatch(/^result \[0\.\d+\] did not meet successCondition result <= 0\.05$/);
    expect(verdict.message).toContain(
      `analysis Failed: checkout revision ${digestLabelValue(CHECKOUT_BAD)}: error-ratio Failed after 1 measurement: result [`,
    );
    expect(verdict.message).toContain("did not meet successCondition result >= 0.99"); // availability, too
    // api was still measuring (it needs COUNT rounds) and was stopped instead of finishing.
    expect(verdict.services.api).toMatchObject({
      phase: "Cancelled",
      message: "cancelled: checkout's analysis failed",
    });
    expect(Date.now() - started).toBeLessThan(3_000 + (COUNT - 1) * 1_000);
  }, 30_000);

  it("is Inconclusive when a service has no data, and still lets the others finish", async () => {
    const verdict = await analyse([
      { service: "api", digest: API_NEW, previousDigest: API_OLD },
      { service: "payments", digest: PAYMENTS_SILENT },
    ]);
    expect(verdict.outcome, verdict.message).toBe("Inconclusive");
    expect(verdict.verified).toBe(false);
    expect(verdict.services.payments?.phase).toBe("Inconclusive");
    expect(verdict.message).toContain(
      `analysis Inconclusive: payments revision ${digestLabelValue(PAYMENTS_SILENT)}: error-ratio Inconclusive after 1 measurement: no data: the query returned no series`,
    );
    expect(verdict.services.api?.phase).toBe("Successful");
    expect(verdict.services.api?.metrics.map((m) => m.measurements)).toEqual([COUNT, COUNT, COUNT]);
  }, 30_000);

  it("passes good revisions of every service, each measured count times, relative p99 against the previous", async () => {
    const verdict = await analyse([
      { service: "api", digest: API_NEW, previousDigest: API_OLD },
      { service: "checkout", digest: CHECKOUT_GOOD, previousDigest: CHECKOUT_OLD },
    ]);
    expect(verdict.outcome, verdict.message).toBe("Successful");
    expect(verdict.verified).toBe(true);
    expect(verdict.message).toBe("analysis Successful: api (3 metrics), checkout (3 metrics)");
    for (const service of ["api", "checkout"]) {
      const metrics = verdict.services[service]?.metrics ?? [];
      expect(metrics.map((m) => [m.metric, m.phase, m.measurements])).toEqual([
        ["error-ratio", "Successful", COUNT],
        ["latency-p99", "Successful", COUNT],
        ["availability", "Successful", COUNT],
      ]);
      expect(metrics.find((m) => m.metric === "latency-p99")?.message).toContain("relative check:");
    }
  }, 30_000);
});
