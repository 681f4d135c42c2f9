// The JUnit report read back as Jenkins and GitLab read it: the command's verdict, a case per service's rollout and
// per analysed metric (failure, error or skipped as fits), measurements beside thresholds, hostile text intact.
import { describe, expect, it } from "vitest";
import { deliveryReport } from "../../../src/report/build.js";
import { renderJunit } from "../../../src/report/junit.js";
import type { DeliveryReport } from "../../../src/report/types.js";
import { analysisFailureError, rolloutFailureError, stagingDeploy } from "./fixture.js";
import { parseJunit } from "./junit-document.js";

function analysisFailure(): DeliveryReport {
  return deliveryReport(stagingDeploy(), { kind: "failed", error: analysisFailureError() });
}

/** A deploy to staging that failed after 42 ms, with nothing known yet; `extra` adds or overrides. */
function bareReport(extra: Partial<DeliveryReport> = {}): DeliveryReport {
  return {
    command: "deploy",
    env: "staging",
    outcome: "failed",
    startedAt: "2026-12-07T10:00:00.000Z",
    durationMs: 42,
    images: [],
    rollouts: [],
    ...extra,
  };
}

describe("JUnit report", () => {
  it("a release that failed its analysis: the command fails, the failing metric fails with value and threshold", () => {
    const parsed = parseJunit(renderJunit(analysisFailure()));
    expect(parsed.name).toBe("deliver deploy staging");
    expect(parsed.suites.map((s) => s.name)).toEqual([
      "deliver deploy staging",
      "deliver deploy staging: rollout",
      "deliver deploy staging: analysis",
    ]);
    const [command, rollout, analysis] = parsed.suites;
    expect(command?.cases).toHaveLength(1);
    expect(command?.cases[0]?.result).toMatchObject({ kind: "failure", type: "ReleaseFailedError" });
    expect(command?.properties).toMatchObject({
      release: "r-20261207-abc",
      outcome: "failed",
      "rolled-back": "checkout, api",
      "image.checkout": `127.0.0.1:5000/shop/checkout@sha256:${"c".repeat(64)}`,
    });
    expect(command?.timestamp).toBe("2026-12-07T10:00:00.000Z");
    // rolled back with the release: skipped (not a failure of their own), unchanged ones pass
    expect(rollout?.cases.map((c) => [c.name, c.result.kind])).toEqual([
      ["api", "skipped"],
      ["payments", "passed"],
      ["checkout", "skipped"],
      ["storefront", "passed"],
    ]);
    const errorRatio = analysis?.cases.find((c) => c.classname.endsWith(".checkout") && c.name === "error-ratio");
    expect(errorRatio?.classname).toBe("deliver.deploy.staging.analysis.checkout");
    expect(errorRatio?.result).toEqual({
      kind: "failure",
      type: "Failed",
      message: "result [0.2] did not meet successCondition result <= 0.01",
      text: "result [0.2] did not meet successCondition result <= 0.01",
    });
    expect(errorRatio?.output).toBe(
      "revision cccccccccccc (previous 222222222222): Failed, measured [0.2] after 1 measurement; threshold: pass when result <= 0.01; result [0.2] did not meet successCondition result <= 0.01",
    );
    const latency = analysis?.cases.find((c) => c.name === "latency-p99");
    expect(latency?.result.kind).toBe("passed");
    expect(latency?.output).toContain("measured [120, NaN or ±Inf] after 1 measurement");
    expect(latency?.output).toContain("threshold: pass when result <= 500; at most 1.2× the previous revision");
    // 1 command + 4 rollouts + 3 metrics (api: 1, checkout: 2)
    expect(parsed.totals).toEqual({ tests: 8, failures: 2, errors: 0, skipped: 2 });
  });

  it("a rollout that failed: a failure on that service, an error where a rollback failed, later ones skipped", () => {
    const error = rolloutFailureError("ProgressDeadlineExceeded", "no earlier revision");
    const parsed = parseJunit(renderJunit(deliveryReport(stagingDeploy(), { kind: "failed", error })));
    const rollout = parsed.suites[1];
    expect(rollout?.cases.map((c) => [c.name, c.result.kind])).toEqual([
      ["api", "error"],
      ["payments", "passed"],
      ["checkout", "failure"],
      ["storefront", "skipped"],
    ]);
    expect(rollout?.cases[2]?.result).toMatchObject({ message: "rollout failed: ProgressDeadlineExceeded" });
    expect(parsed.suites).toHaveLength(2); // no analysis: none ran
  });

  it("a failure before any cluster: one failed case that carries the error; nothing else claimed", () => {
    const report = bareReport({
      error: { type: "KubeconfigNotFoundError", message: "kubeconfig not found at /nowhere" },
    });
    const parsed = parseJunit(renderJunit(report));
    expect(parsed.totals).toEqual({ tests: 1, failures: 1, errors: 0, skipped: 0 });
    expect(parsed.suites[0]?.cases[0]).toMatchObject({
      name: "deploy staging",
      classname: "deliver.deploy.staging",
      time: 0.042,
      result: { kind: "failure", type: "KubeconfigNotFoundError", message: "kubeconfig not found at /nowhere" },
    });
  });

  it("an analysis that did not run (no Prometheus URL) is a skipped case, not a pass", () => {
    const report = bareReport({
      outcome: "succeeded",
      analysis: {
        outcome: "NotRun",
        verified: false,
        at: "t",
        message: "not analysed: no Prometheus URL",
        services: [],
      },
    });
    const analysis = parseJunit(renderJunit(report)).suites[1];
    expect(analysis?.cases[0]?.result).toEqual({
      kind: "skipped",
      message: "not analysed: no Prometheus URL",
      text: "",
    });
  });

  it("keeps any text intact: markup, quotes and line breaks come back as written, forbidden characters made visible", () => {
    const message = `refusing <img src=x> & "it's" here\nsecond line\u001b[0m`;
    const report = bareReport({
      command: "promote",
      env: "prod",
      promotedFrom: { env: "staging" },
      approval: { by: `O'Brien <ob@example.com>`, at: "t" },
      rollouts: [{ service: "api", outcome: "failed", detail: "a]]>b" }],
      error: { type: "PromotionError", message },
    });
    const parsed = parseJunit(renderJunit(report));
    expect(parsed.name).toBe("deliver promote staging to prod");
    const visible = `refusing <img src=x> & "it's" here\nsecond line\\u001b[0m`;
    expect(parsed.suites[0]?.cases[0]?.result).toMatchObject({ message: visible, text: visible });
    expect(parsed.suites[0]?.properties["approved-by"]).toBe(`O'Brien <ob@example.com>`);
    expect(parsed.suites[1]?.cases[0]?.result).toMatchObject({ message: "rollout failed: a]]>b" });
  });

  it("gives the same bytes for the same report", () => {
    expect(renderJunit(analysisFailure())).toBe(renderJunit(analysisFailure()));
  });
});
