// What the report tests share: this repository's pipeline.yaml with an analysis block in staging (the slo's
// default metrics, plus one with a failure condition), and a release record and verdicts as deploy writes them.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type PipelineConfig, parsePipelineConfig } from "../../../src/config/index.js";
import { ReleaseFailedError } from "../../../src/delivery/errors.js";
import type { ReleaseAnalysis, ReleaseRecord, ServiceAnalysis } from "../../../src/delivery/release-records.js";
import type { ReportFacts } from "../../../src/report/build.js";

const real = readFileSync(fileURLToPath(new URL("../../../pipeline.yaml", import.meta.url)), "utf8");
const STAGING = "  staging:\n    namespace: shop-staging\n";

/** The real pipeline.yaml, staging with an analysis block: the slo's metrics and a queue-depth one. */
export function configWithStagingAnalysis(): PipelineConfig {
  if (!real.includes(STAGING)) throw new Error("pipeline.yaml no longer starts staging as this fixture expects");
  const analysis = {
    metrics: [
      { name: "error-ratio", query: 'x{revision="{{revision}}"}', successCondition: "result <= 0.01" },
      {
        name: "latency-p99",
        query: 'y{revision="{{revision}}"}',
        successCondition: "result <= 500",
        relative: { baseline: "previous", maxRatio: 1.2 },
      },
      { name: "queue-depth", query: "z", failureCondition: "result > 100", failureLimit: 2 },
    ],
  };
  return parsePipelineConfig(
    real.replace(STAGING, `${STAGING}    analysis: ${JSON.stringify(analysis)}\n`),
    "pipeline.yaml",
  );
}

/** The services of this repository in dependency order (callees first), as a release goes. */
export const ORDER = ["api", "payments", "checkout", "storefront"] as const;

const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** A release of all four services, pinned by digest. */
export function releaseRecord(extra: Partial<ReleaseRecord> = {}): ReleaseRecord {
  const services = ["storefront", "api", "checkout", "payments"];
  const chars: Record<string, string> = { storefront: "a", api: "b", checkout: "c", payments: "d" };
  return {
    id: "r-20261207-abc",
    images: Object.fromEntries(services.map((s) => [s, `127.0.0.1:5000/shop/${s}@${digest(chars[s] ?? "0")}`])),
    digests: Object.fromEntries(services.map((s) => [s, digest(chars[s] ?? "0")])),
    deployedAt: "2026-12-07T10:00:00.000Z",
    ...extra,
  };
}

const passing = (revision: string): ServiceAnalysis => ({
  revision,
  previousRevision: "111111111111",
  phase: "Successful",
  message: "analysis Successful",
  metrics: [
    {
      metric: "error-ratio",
      phase: "Successful",
      measurements: 6,
      value: [0.001],
      message: "result [0.001] met successCondition result <= 0.01",
    },
  ],
});

/** checkout's error ratio at 20% against a 1% threshold: Failed after one measurement; api passed. */
export function failedAnalysis(): ReleaseAnalysis {
  return {
    outcome: "Failed",
    verified: false,
    at: "2026-12-07T10:05:00.000Z",
    message:
      "analysis Failed: checkout revision cccccccccccc: error-ratio Failed after 1 measurement: result [0.2] did not meet successCondition result <= 0.01",
    services: {
      api: passing("bbbbbbbbbbbb"),
      checkout: {
        revision: "cccccccccccc",
        previousRevision: "222222222222",
        phase: "Failed",
        message: "error-ratio Failed",
        metrics: [
          {
            metric: "error-ratio",
            phase: "Failed",
            measurements: 1,
            value: [0.2],
            message: "result [0.2] did not meet successCondition result <= 0.01",
          },
          {
            metric: "latency-p99",
            phase: "Successful",
            measurements: 1,
            value: [120, null],
            message: "result [120] met successCondition result <= 500; ratio 1.1 ≤ maxRatio 1.2",
          },
        ],
      },
    },
  };
}

/** `deliver deploy --env staging` that took 90.5 s, with the config above. */
export function stagingDeploy(extra: Partial<ReportFacts> = {}): ReportFacts {
  return {
    command: "deploy",
    env: "staging",
    startedAt: Date.parse("2026-12-07T10:00:00.000Z"),
    finishedAt: Date.parse("2026-12-07T10:01:30.500Z"),
    config: configWithStagingAnalysis(),
    ...extra,
  };
}

/** What deploy throws when checkout fails its analysis (failedAnalysis): api and checkout had changed and went back. */
export function analysisFailureError(): ReleaseFailedError {
  const analysis = failedAnalysis();
  return new ReleaseFailedError(
    "staging",
    "shop-staging",
    "r-20261207-abc",
    "checkout",
    ["checkout", "api"],
    analysis.message,
    [],
    analysis,
    releaseRecord(),
  );
}

/** What deploy throws when checkout's rollout fails after api rolled out and api cannot be restored. */
export function rolloutFailureError(detail: string, apiFailure: string): ReleaseFailedError {
  return new ReleaseFailedError(
    "staging",
    "shop-staging",
    "r1",
    "checkout",
    ["checkout"],
    detail,
    [`api (${apiFailure})`],
    undefined,
    releaseRecord(),
  );
}
