// Metric-driven delivery on the real node: releases whose checkout is Ready but bad are judged by dev's analysis
// (the default SLO metrics, read by a real Prometheus from the pods' own request histograms) under synthetic
// shoppers and rolled back as a whole; good releases that follow one another are judged Successful every time.
import { describe, expect, inject, it } from "vitest";
import { ReleaseFailedError, ReleaseUnverifiedError } from "../../src/delivery/errors.js";
import type { Logger } from "../../src/delivery/kube.js";
import { deployRelease } from "../../src/delivery/release-deploy.js";
import type { MetricSummary, ReleaseAnalysis } from "../../src/delivery/release-records.js";
import { describeTimes, expectRolledBack } from "./support/rolled-back-release.js";
import { pinned, shopOnNode } from "./support/shop-on-node.js";

const prometheusUrl = inject("prometheusUrl");
const shop = shopOnNode(import.meta.url, {
  progressDeadlineSeconds: 30,
  // dev's SLOs with the default metrics, measured every 10 s from 10 s after Ready over the default 1 minute window,
  // so a Failed measurement comes about 10 s after the bad revision is Ready.
  analysis: {
    interval: "10s",
    count: 3,
    initialDelay: "10s",
    window: "1m",
    load: { rate: 10, concurrency: 2, mix: { catalogReads: 1, purchases: 1 } },
  },
  // dev's own error rate and availability; p99 up to 2.5 s, so that the slower checkout (whose p99 the histogram
  // places in its 0.5-1 s bucket, at up to 995 ms) is caught by the relative check, not by the absolute one.
  slo: { p99LatencyMs: 2500 },
});
const { images, goodImages } = shop;
// Each run is a rollout and a full analysis (about a minute); CI runs two, `FALSE_ROLLBACK_RUNS=20` is the figure.
const falseRollbackRuns = Number(process.env.FALSE_ROLLBACK_RUNS || 2);

/** A deploy's log kept in memory, for the synthetic load's summary line. */
function deployLog(): { logger: Logger; loadSummary(): string } {
  const lines: string[] = [];
  const logger = { info: (line: string) => lines.push(line), warn: (line: string) => lines.push(line) };
  return { logger, loadSummary: () => lines.find((line) => / synthetic load \d+ of \d+ requests/.test(line)) ?? "" };
}

function checkoutMetric(analysis: ReleaseAnalysis | undefined, metric: string): MetricSummary | undefined {
  return analysis?.services.checkout?.metrics.find((m) => m.metric === metric);
}

describe("analysis of releases on the real node under synthetic load", () => {
  it("the four good images are deployed, then judged Successful under load: the release to judge the others against", async () => {
    const deployed = await shop.deployGoodRelease();
    expect(deployed.code, deployed.stderr).toBe(0);
    // Judged under load so the next release's relative check has this one's latency from just before its rollout.
    const judged = await shop.deployGoodRelease([
      "--prometheus-url",
      prometheusUrl,
      "--load-url",
      await shop.storefrontUrl(),
    ]);
    expect(judged.code, `${judged.stdout}\n${judged.stderr}`).toBe(0);
  }, 300_000);

  it(
    `good releases one after another (checkout good, then its good variant, ${falseRollbackRuns} runs) are all judged Successful: no false rollback`,
    async () => {
      const loadUrl = await shop.storefrontUrl();
      const variant = pinned(images.defects["good-variant"]);
      const outcomes: string[] = [];
      const p99s: string[] = [];
      let rollbacks = 0;
      for (let run = 1; run <= falseRollbackRuns; run++) {
        // The good checkout that is not running, so every run is a rollout even after a rollback.
        const checkout = (await shop.liveImage("checkout")) === variant ? goodImages.checkout : variant;
        const log = deployLog();
        const analysis = await deployRelease({
          config: shop.config,
          env: "dev",
          kubeConfig: shop.kubeConfig,
          release: { images: { ...goodImages, checkout }, revision: `good-${run}` },
          // A false rollback records the good image as bad; the next runs must still be able to deploy it.
          force: true,
          prometheusUrl,
          loadUrl,
          logger: log.logger,
        }).then(
          (deployed) => deployed.release.analysis,
          (error: unknown) => {
            if (error instanceof ReleaseFailedError) rollbacks += 1;
            if (error instanceof ReleaseFailedError || error instanceof ReleaseUnverifiedError) return error.analysis;
            throw error;
          },
        );
        outcomes.push(`${run}: ${analysis?.outcome}${analysis?.verified ? "" : ` (${analysis?.message})`}`);
        p99s.push(String(checkoutMetric(analysis, "latency-p99")?.value?.[0]?.toFixed(1)));
        console.log(`good release ${run}: ${outcomes.at(-1)}; ${log.loadSummary()}`);
      }
      console.log(`false rollbacks: ${rollbacks} of ${falseRollbackRuns}; checkout p99 ms per run: ${p99s.join(", ")}`);
      expect(rollbacks, outcomes.join("\n")).toBe(0);
      expect(outcomes, outcomes.join("\n")).toEqual(outcomes.map((_, i) => `${i + 1}: Successful`));
    },
    120_000 + falseRollbackRuns * 90_000,
  );

  // Right after a good release judged under load: the relative check compares with that revision's latency.
  it("a checkout whose p99 is buckets above the good one's, inside the absolute SLO, is rolled back by the relative check against the previous revision", async () => {
    const log = deployLog();
    const { error } = await expectRolledBack(shop, {
      checkout: pinned(images.defects.slower),
      revision: "slower-1",
      prometheusUrl,
      loadUrl: await shop.storefrontUrl(),
      logger: log.logger,
    });
    const p99 = checkoutMetric(error.analysis, "latency-p99");
    expect(p99?.phase, error.message).toBe("Failed");
    expect(p99?.value?.[0], "inside the test's p99LatencyMs").toBeLessThan(
      shop.config.environments.dev.slo.p99LatencyMs,
    );
    expect(error.message).toMatch(
      /latency-p99 Failed after \d+ measurements?: .*relative check: [\d.]+ is [\d.]+× previous revision [0-9a-f]{12}.*\(maxRatio 1\.2\)/,
    );
    console.log(`slower: ${error.message}`);
    console.log(`slower: ${log.loadSummary()}`);
  }, 300_000);

  const runs = 5;

  it(`a checkout that answers every fifth checkout with a 503 is Ready, fails its analysis on the error ratio and is rolled back as a whole, ${runs} times`, async () => {
    const loadUrl = await shop.storefrontUrl();
    const times: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const log = deployLog();
      const { error, checkoutReadyAt, rolledBackAt } = await expectRolledBack(shop, {
        checkout: pinned(images.defects["fails-fifth"]),
        revision: `fails-fifth-${run}`,
        prometheusUrl,
        loadUrl,
        logger: log.logger,
      });
      expect(checkoutReadyAt, "the bad checkout never became Ready").toBeDefined();
      expect(error.analysis?.outcome).toBe("Failed");
      expect(checkoutMetric(error.analysis, "error-ratio")?.phase).toBe("Failed");
      expect(error.message).toMatch(
        /checkout revision [0-9a-f]{12}: error-ratio Failed after \d+ measurements?: result \[0\.\d+\] did not meet successCondition result <= 0\.05/,
      );
      expect(error.message).toMatch(/rolled back: checkout$/);
      times.push(rolledBackAt - (checkoutReadyAt as number));
      console.log(
        `fails-fifth ${run}: ${checkoutMetric(error.analysis, "error-ratio")?.message}; ${log.loadSummary()}`,
      );
    }
    console.log(describeTimes("fails-fifth rollback, bad checkout Ready -> previous release serving", times));
  }, 600_000);
});
