// pipeline.yaml's per-environment analysis block: Argo's defaults, the slo-derived metrics when none are listed,
// and errors that name the field, conditions included (a typo fails validation, not a deploy).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type PipelineConfig, PipelineConfigError, parsePipelineConfig } from "../../../src/config/index.js";
import { analysisSettings } from "../../../src/delivery/analysis/plan.js";

const real = readFileSync(fileURLToPath(new URL("../../../pipeline.yaml", import.meta.url)), "utf8");

/** The real pipeline.yaml with `analysis` (as YAML flow, i.e. JSON) added to dev. */
function withDevAnalysis(analysis: unknown): string {
  const marker = "  dev:\n    namespace: shop-dev\n";
  expect(real).toContain(marker);
  return real.replace(marker, `${marker}    analysis: ${JSON.stringify(analysis)}\n`);
}

const config = (text: string): PipelineConfig => parsePipelineConfig(text, "pipeline.yaml");

function problems(analysis: unknown): string {
  try {
    config(withDevAnalysis(analysis));
  } catch (error) {
    expect(error).toBeInstanceOf(PipelineConfigError);
    return (error as PipelineConfigError).message;
  }
  throw new Error("expected pipeline.yaml to be refused");
}

const metric = (extra: Record<string, unknown> = {}) => ({
  name: "errors",
  query: 'sum(rate(x{revision="{{revision}}"}[{{window}}]))',
  successCondition: "result <= 0.05",
  ...extra,
});

describe("environments[].analysis", () => {
  it("is optional: without it an environment gets the defaults and the metrics of its slo", () => {
    const dev = config(real).environments.dev;
    const settings = analysisSettings(dev);
    expect(settings).toMatchObject({ interval: "10s", count: 6, initialDelay: "1m", window: "1m" });
    expect(settings.metrics.map((m) => [m.name, m.successCondition])).toEqual([
      ["error-ratio", `result <= ${dev.slo.errorRate}`],
      ["latency-p99", `result <= ${dev.slo.p99LatencyMs}`],
      ["availability", `result >= ${dev.slo.availability}`],
    ]);
  });

  it("fills in Argo's limits (failureLimit 0, inconclusiveLimit 0, consecutiveErrorLimit 4) per metric", () => {
    const dev = config(withDevAnalysis({ interval: "30s", count: 3, metrics: [metric()] })).environments.dev;
    expect(dev.analysis).toEqual({
      interval: "30s",
      count: 3,
      initialDelay: "1m",
      window: "1m",
      metrics: [{ ...metric(), failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4 }],
    });
  });

  it("takes limits, a failureCondition and a relative check", () => {
    const m = metric({
      failureCondition: "result > 0.1",
      failureLimit: 2,
      inconclusiveLimit: 1,
      consecutiveErrorLimit: 0,
      relative: { baseline: "previous", maxRatio: 1.2 },
    });
    expect(config(withDevAnalysis({ metrics: [m] })).environments.dev.analysis?.metrics?.[0]).toEqual(m);
  });

  it.each([
    [
      { metrics: [metric({ successCondition: "result = 0.05" })] },
      'metrics[0].successCondition: unexpected "=" at column 8',
    ],
    [{ metrics: [metric({ failureCondition: "result >" })] }, "metrics[0].failureCondition: is incomplete at the end"],
    [{ metrics: [metric({ failureCondition: "require('fs')" })] }, "metrics[0].failureCondition: unexpected"],
    [{ metrics: [metric({ successCondition: "result" })] }, "metrics[0].successCondition: is a list of values"],
    [{ interval: "10" }, 'interval: must be a duration such as "10s"'],
    [{ initialDelay: "1.5s" }, "initialDelay: must be a duration"],
    [{ window: "5 m" }, "window: must be a duration"],
    [{ count: 0 }, "count: must be at least 1"],
    [{ metrics: [] }, "metrics: must list at least one metric"],
    [{ metrics: [metric({ failureLimit: -1 })] }, "metrics[0].failureLimit: must be at least 0"],
    [{ metrics: [metric({ consecutiveErrorLimit: 1.5 })] }, "metrics[0].consecutiveErrorLimit: must be a whole number"],
    [{ metrics: [metric({ query: 'up{pod="{{pod}}"}' })] }, "metrics[0].query: uses unknown placeholder {{pod}}"],
    [{ metrics: [metric({ query: "" })] }, "metrics[0].query: must not be empty"],
    [{ metrics: [metric({ name: "Errors" })] }, "metrics[0].name: must be a metric name"],
    [{ metrics: [metric(), metric()] }, "metrics[1].name: errors is listed twice"],
    [{ metrics: [metric({ relative: { baseline: "previous" } })] }, "metrics[0].relative: needs maxRatio or minRatio"],
    [
      { metrics: [metric({ relative: { baseline: "stable", maxRatio: 2 } })] },
      'metrics[0].relative.baseline: must be one of "previous"',
    ],
    [
      { metrics: [metric({ relative: { baseline: "previous", maxRatio: 1, minRatio: 2 } })] },
      "metrics[0].relative.minRatio: must not exceed maxRatio (1)",
    ],
    [
      { metrics: [metric({ query: "sum(up)", relative: { baseline: "previous", maxRatio: 2 } })] },
      "metrics[0].query: must select the revision with {{revision}}",
    ],
    [
      { metrics: [metric({ relative: { baseline: "previous", maxRatio: 2, buckets: [100, 50] } })] },
      "metrics[0].relative.buckets: must be ascending",
    ],
    [
      { metrics: [metric({ relative: { baseline: "previous", maxRatio: 2, buckets: [0, 50] } })] },
      "metrics[0].relative.buckets[0]: must be greater than 0",
    ],
    [{ metrics: [metric({ provider: "datadog" })] }, "metrics[0].provider: unknown key"],
    [{ interval: "10s", dryRun: true }, "analysis.dryRun: unknown key"],
  ])("refuses %j naming the field", (analysis, message) => {
    const text = problems(analysis);
    expect(text).toContain(`environments.dev.analysis.${message.replace(/^analysis\./, "")}`);
  });
});
