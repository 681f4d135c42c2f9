// The release's verdict from its services' analysis runs, and what a failed or unverified release says: pure
// decisions over AnalysisResult values, so the inputs are written out here.
import { describe, expect, it } from "vitest";
import type { AnalysisPhase, AnalysisResult, Measurement, MetricResult } from "../../../src/delivery/analysis/types.js";
import {
  brokenAnalysis,
  cancelledAnalysis,
  decidingMeasurement,
  releaseVerdict,
  servicesWith,
  summariseAnalysis,
  unverifiedAdvice,
} from "../../../src/delivery/release-verdict.js";

const ORDER = ["api", "payments", "checkout", "storefront"];
const AT = "2030-01-01T00:00:00.000Z";

function measurement(phase: AnalysisPhase, value: number[] | undefined, message: string): Measurement {
  return {
    phase,
    ...(value ? { value } : {}),
    startedAt: AT,
    finishedAt: AT,
    query: "sum(rate(x[1m]))",
    message,
  };
}

function metric(name: string, phase: AnalysisPhase, measurements: Measurement[]): MetricResult {
  return {
    name,
    phase,
    message: `${name} ${phase}`,
    count: measurements.length,
    successful: measurements.filter((m) => m.phase === "Successful").length,
    failed: measurements.filter((m) => m.phase === "Failed").length,
    inconclusive: measurements.filter((m) => m.phase === "Inconclusive").length,
    error: measurements.filter((m) => m.phase === "Error").length,
    consecutiveError: 0,
    measurements,
  };
}

function result(service: string, phase: AnalysisPhase, metrics: MetricResult[]): AnalysisResult {
  return {
    phase,
    message: `analysis of ${service}: ${phase}`,
    environment: "dev",
    namespace: "shop-dev",
    service,
    revision: "aaaaaaaaaaaa",
    previousRevision: "bbbbbbbbbbbb",
    startedAt: AT,
    finishedAt: AT,
    stoppedEarly: phase !== "Successful",
    metrics,
  };
}

const ok = (v: number) => measurement("Successful", [v], `result [${v}] met successCondition result <= 0.01`);
const bad = (v: number) => measurement("Failed", [v], `result [${v}] did not meet successCondition result <= 0.01`);

describe("summariseAnalysis", () => {
  it("keeps, per metric, the measurement that decided it: the failing one, not the last one", () => {
    const errorRatio = metric("error-ratio", "Failed", [ok(0), bad(0.2), ok(0.005)]);
    expect(decidingMeasurement(errorRatio)?.value).toEqual([0.2]);
    const summary = summariseAnalysis(
      result("checkout", "Failed", [errorRatio, metric("availability", "Successful", [ok(1), ok(0.99)])]),
    );
    expect(summary).toEqual({
      revision: "aaaaaaaaaaaa",
      previousRevision: "bbbbbbbbbbbb",
      phase: "Failed",
      message: "analysis of checkout: Failed",
      metrics: [
        {
          metric: "error-ratio",
          phase: "Failed",
          measurements: 3,
          value: [0.2],
          message: "result [0.2] did not meet successCondition result <= 0.01",
        },
        {
          metric: "availability",
          phase: "Successful",
          measurements: 2,
          value: [0.99],
          message: "result [0.99] met successCondition result <= 0.01",
        },
      ],
    });
  });

  it("writes NaN and infinities as null (JSON has neither) and leaves out the value of a failed query", () => {
    const summary = summariseAnalysis(
      result("api", "Error", [
        metric("latency-p99", "Inconclusive", [measurement("Inconclusive", [Number.NaN], "no data: NaN")]),
        metric("ratio", "Successful", [measurement("Successful", [Number.POSITIVE_INFINITY], "inf")]),
        metric("up", "Error", [measurement("Error", undefined, "Prometheus at http://p: cannot reach it")]),
      ]),
    );
    expect(summary.metrics.map((m) => m.value)).toEqual([[null], [null], undefined]);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
});

describe("releaseVerdict", () => {
  it("is Successful only when every judged service is, and then the release is verified", () => {
    const good = summariseAnalysis(result("api", "Successful", [metric("error-ratio", "Successful", [ok(0)])]));
    const verdict = releaseVerdict({ api: good, checkout: good }, ORDER, AT);
    expect(verdict).toMatchObject({ outcome: "Successful", verified: true, at: AT });
    expect(verdict.message).toBe("analysis Successful: api (1 metrics), checkout (1 metrics)");
    expect(Object.keys(verdict.services)).toEqual(["api", "checkout"]);
  });

  it("takes the worst phase (Failed > Error > Inconclusive), ignores cancelled runs and names metric, value and condition", () => {
    const failed = summariseAnalysis(result("checkout", "Failed", [metric("error-ratio", "Failed", [bad(0.2)])]));
    const inconclusive = summariseAnalysis(
      result("api", "Inconclusive", [
        metric("latency-p99", "Inconclusive", [
          measurement("Inconclusive", [], "no data: the query returned no series"),
        ]),
      ]),
    );
    const services = {
      storefront: cancelledAnalysis("cccccccccccc", undefined, "checkout's analysis failed"),
      checkout: failed,
      api: inconclusive,
    };
    const verdict = releaseVerdict(services, ORDER, AT);
    expect(verdict.outcome).toBe("Failed");
    expect(verdict.verified).toBe(false);
    expect(verdict.message).toBe(
      "analysis Failed: checkout revision aaaaaaaaaaaa: error-ratio Failed after 1 measurement: result [0.2] did not meet successCondition result <= 0.01",
    );
    expect(verdict.services.storefront?.phase).toBe("Cancelled");

    const { checkout: _, ...withoutFailure } = services;
    const unsure = releaseVerdict(withoutFailure, ORDER, AT);
    expect(unsure.outcome).toBe("Inconclusive");
    expect(unsure.message).toBe(
      "analysis Inconclusive: api revision aaaaaaaaaaaa: latency-p99 Inconclusive after 1 measurement: no data: the query returned no series",
    );
    const broken = brokenAnalysis("dddddddddddd", undefined, new Error("bad revision"));
    expect(releaseVerdict({ ...withoutFailure, payments: broken }, ORDER, AT)).toMatchObject({
      outcome: "Error",
      message: "analysis Error: payments revision dddddddddddd: analysis could not run: bad revision",
    });
  });

  it("lists the failing services in dependency order, so the first one is a callee", () => {
    const failed = summariseAnalysis(result("x", "Failed", [metric("error-ratio", "Failed", [bad(0.3)])]));
    expect(servicesWith({ storefront: failed, api: failed, checkout: failed }, ORDER, "Failed")).toEqual([
      "api",
      "checkout",
      "storefront",
    ]);
  });
});

describe("unverifiedAdvice", () => {
  it("points at traffic and scraping for no data, at Prometheus and the queries for errors, and always at what to run", () => {
    const inconclusive = { outcome: "Inconclusive", verified: false, at: AT, message: "", services: {} } as const;
    const advice = unverifiedAdvice("staging", inconclusive, "http://prometheus:9090");
    expect(advice).toBe(
      "the release stays in place, recorded as unverified, and cannot be promoted from staging: check that its services get traffic and that Prometheus at http://prometheus:9090 scrapes their pods, then analyse it again with deliver analyze --env staging, or roll back with deliver rollback --env staging",
    );
    expect(unverifiedAdvice("staging", { ...inconclusive, outcome: "Error" }, undefined)).toContain(
      "check that Prometheus answers and that the analysis queries in pipeline.yaml (environments.staging.analysis) are right",
    );
  });
});
