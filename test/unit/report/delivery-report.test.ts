// What a deliver command's report says, from how the command ended: a clean deploy, a rollout that failed half-way,
// an analysis that failed (measurements against thresholds), an unverified release, a promotion with its approver,
// a rollback, and a failure before any cluster was contacted.
import { describe, expect, it } from "vitest";
import { loadPipelineConfig } from "../../../src/config/index.js";
import { KubeconfigNotFoundError, ReleaseFailedError, ReleaseUnverifiedError } from "../../../src/delivery/errors.js";
import { deliveryReport } from "../../../src/report/build.js";
import {
  analysisFailureError,
  failedAnalysis,
  ORDER,
  releaseRecord,
  rolloutFailureError,
  stagingDeploy,
} from "./fixture.js";

const facts = stagingDeploy;
const REVISIONS = { api: "4", payments: "2", checkout: "7", storefront: "3" };

describe("the report of a deliver command", () => {
  it("a deploy that succeeded: every image with its digest and revision, what changed, in dependency order", () => {
    const release = releaseRecord({ revisions: REVISIONS });
    const report = deliveryReport(facts(), {
      kind: "release",
      result: { env: "staging", namespace: "shop-staging", release, changed: ["api", "checkout"] },
    });
    expect(report).toMatchObject({
      command: "deploy",
      env: "staging",
      outcome: "succeeded",
      startedAt: "2026-12-07T10:00:00.000Z",
      durationMs: 90_500,
      releaseId: "r-20261207-abc",
    });
    expect(report.images.find((i) => i.service === "api")).toEqual({
      service: "api",
      image: release.images.api,
      digest: `sha256:${"b".repeat(64)}`,
      revision: "4",
    });
    expect(report.rollouts).toEqual([
      { service: "api", outcome: "rolled-out", detail: "revision 4" },
      { service: "payments", outcome: "unchanged", detail: "revision 2" },
      { service: "checkout", outcome: "rolled-out", detail: "revision 7" },
      { service: "storefront", outcome: "unchanged", detail: "revision 3" },
    ]);
    expect(report.rollouts.map((r) => r.service)).toEqual(ORDER);
    expect(report.images.map((i) => i.service)).toEqual(ORDER);
    expect(report.error).toBeUndefined();
    expect(report.rollback).toBeUndefined();
  });

  it("a rollout that failed at checkout: api went back, payments was untouched, storefront never reached", () => {
    const error = new ReleaseFailedError(
      "staging",
      "shop-staging",
      "r-20261207-abc",
      "checkout",
      ["checkout", "api"],
      "deployment shop-staging/checkout revision 8 failed: Progressing condition is ProgressDeadlineExceeded",
      [],
      undefined,
      releaseRecord(),
    );
    const report = deliveryReport(facts(), { kind: "failed", error });
    expect(report.outcome).toBe("failed");
    expect(report.error).toEqual({ type: "ReleaseFailedError", message: error.message });
    expect(report.rollouts).toEqual([
      { service: "api", outcome: "rolled-back", detail: "the release failed at checkout" },
      { service: "payments", outcome: "unchanged", detail: "this release did not change it" },
      { service: "checkout", outcome: "failed", detail: error.detail },
      { service: "storefront", outcome: "not-reached", detail: "the release failed at checkout first" },
    ]);
    expect(report.rollback).toEqual({ services: ["checkout", "api"], reason: error.detail, failures: [] });
    expect(report.images).toHaveLength(4);
  });

  it("a service that could not be restored is said to be so, with why", () => {
    const error = rolloutFailureError(
      "rollout failed",
      "cannot roll back deployment shop-staging/api: no earlier revision",
    );
    const report = deliveryReport(facts(), { kind: "failed", error });
    expect(report.rollouts[0]).toEqual({
      service: "api",
      outcome: "rollback-failed",
      detail: "api (cannot roll back deployment shop-staging/api: no earlier revision)",
    });
    expect(report.rollback?.failures).toEqual(error.rollbackFailures);
  });

  it("a Failed analysis: each metric's measurement beside the threshold pipeline.yaml sets for it", () => {
    const report = deliveryReport(facts(), { kind: "failed", error: analysisFailureError() });
    expect(report.analysis?.outcome).toBe("Failed");
    const checkout = report.analysis?.services.find((s) => s.service === "checkout");
    expect(checkout?.metrics).toEqual([
      {
        metric: "error-ratio",
        phase: "Failed",
        measurements: 1,
        value: [0.2],
        threshold: "pass when result <= 0.01",
        message: "result [0.2] did not meet successCondition result <= 0.01",
      },
      expect.objectContaining({
        metric: "latency-p99",
        value: [120, null],
        threshold: "pass when result <= 500; at most 1.2× the previous revision",
      }),
    ]);
    // Every service was Ready before the analysis: the changed ones went back, the failing one for its own reason.
    expect(report.rollouts).toEqual([
      { service: "api", outcome: "rolled-back", detail: "the release failed at checkout" },
      { service: "payments", outcome: "unchanged", detail: "this release did not change it" },
      { service: "checkout", outcome: "rolled-back", detail: "its analysis failed" },
      { service: "storefront", outcome: "unchanged", detail: "this release did not change it" },
    ]);
  });

  it("thresholds: a failure condition and a failure allowance are named; a metric pipeline.yaml lacks says so", () => {
    const analysis = failedAnalysis();
    const checkout = analysis.services.checkout;
    if (!checkout) throw new Error("fixture lost checkout");
    checkout.metrics = [
      {
        metric: "queue-depth",
        phase: "Failed",
        measurements: 3,
        value: [250],
        message: "result [250] met failureCondition result > 100",
      },
      { metric: "gone", phase: "Successful", measurements: 1, message: "ok" },
    ];
    const error = new ReleaseFailedError("staging", "ns", "r1", "checkout", [], "x", [], analysis, releaseRecord());
    const metrics = deliveryReport(facts(), { kind: "failed", error }).analysis?.services[1]?.metrics;
    expect(metrics?.map((m) => m.threshold)).toEqual([
      "fail when result > 100; up to 2 failed measurements tolerated",
      "not in pipeline.yaml's analysis for this environment",
    ]);
  });

  it("an unverified release stays: outcome unverified, its rollouts as they ended, the analysis and the advice", () => {
    const analysis = {
      ...failedAnalysis(),
      outcome: "Inconclusive" as const,
      message: "analysis Inconclusive: no data",
    };
    const release = releaseRecord({ revisions: REVISIONS });
    const error = new ReleaseUnverifiedError(
      "staging",
      "shop-staging",
      release.id,
      analysis,
      "check traffic",
      release,
      ["checkout"],
    );
    const report = deliveryReport(facts(), { kind: "failed", error });
    expect(report.outcome).toBe("unverified");
    expect(report.rollouts.find((r) => r.service === "checkout")).toEqual({
      service: "checkout",
      outcome: "rolled-out",
      detail: "revision 7",
    });
    expect(report.rollback).toBeUndefined();
    expect(report.error?.message).toContain("check traffic");
  });

  it("a promotion names where it came from and who approved it", () => {
    const release = releaseRecord({
      approval: { by: "jane@example.com", at: "2026-12-07T09:59:00.000Z" },
      promotedFrom: { env: "staging", release: "r-staging-1" },
    });
    const report = deliveryReport(facts({ command: "promote", env: "prod", from: "staging" }), {
      kind: "release",
      result: { env: "prod", namespace: "shop-prod", release, changed: ORDER.slice() },
    });
    expect(report.approval).toEqual({ by: "jane@example.com", at: "2026-12-07T09:59:00.000Z" });
    expect(report.promotedFrom).toEqual({ env: "staging", release: "r-staging-1" });
  });

  it("a refused promotion still names both environments", () => {
    const report = deliveryReport(facts({ command: "promote", env: "prod", from: "staging" }), {
      kind: "failed",
      error: new Error("promoting staging to prod needs an approval"),
    });
    expect(report).toMatchObject({ env: "prod", promotedFrom: { env: "staging" }, outcome: "failed" });
  });

  it("a rollback of the environment says from which release back to which, and what went back", () => {
    const release = releaseRecord({ id: "r-old" });
    const report = deliveryReport(facts({ command: "rollback" }), {
      kind: "release",
      result: { env: "staging", namespace: "shop-staging", release, changed: ["checkout"] },
      from: releaseRecord({ id: "r-new" }),
    });
    expect(report.rollback).toEqual({
      services: ["checkout"],
      reason: "deliver rollback: from release r-new back to release r-old",
      failures: [],
    });
  });

  it("a failure before any cluster was contacted: the error and the images asked for, no rollout claimed", async () => {
    const image = `127.0.0.1:5000/shop/api@sha256:${"e".repeat(64)}`;
    const report = deliveryReport(
      facts({ config: await loadPipelineConfig("pipeline.yaml"), requested: { api: image } }),
      { kind: "failed", error: new KubeconfigNotFoundError("/nowhere") },
    );
    expect(report).toMatchObject({
      outcome: "failed",
      images: [{ service: "api", image, digest: `sha256:${"e".repeat(64)}` }],
      rollouts: [],
      error: { type: "KubeconfigNotFoundError" },
    });
    expect(report.analysis).toBeUndefined();
  });
});
