// environments.<env>.scaling: its defaults, errors that name the field, the commented example in pipeline.yaml, and
// the policy resolved against the environment's replicas or autoscaling (bounds that cannot work are refused).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type PipelineConfig, PipelineConfigError, parsePipelineConfig } from "../../../src/config/index.js";
import { ScalingError } from "../../../src/delivery/errors.js";
import { scalingPolicy } from "../../../src/delivery/scaling/policy.js";

const real = readFileSync(fileURLToPath(new URL("../../../pipeline.yaml", import.meta.url)), "utf8");

/** The real pipeline.yaml with `scaling` (as YAML flow, i.e. JSON) added to one environment. */
function withScaling(env: "dev" | "staging" | "prod", scaling: unknown): string {
  const head = `  ${env}:\n    namespace: shop-${env}\n`;
  expect(real).toContain(head);
  return real.replace(head, `${head}    scaling: ${JSON.stringify(scaling)}\n`);
}

const config = (text: string): PipelineConfig => parsePipelineConfig(text, "pipeline.yaml");

function problems(text: string): string {
  try {
    config(text);
  } catch (error) {
    expect(error).toBeInstanceOf(PipelineConfigError);
    return (error as PipelineConfigError).message;
  }
  throw new Error("expected pipeline.yaml to be refused");
}

describe("environments[].scaling", () => {
  it("needs only maxReplicas; the rest defaults to one replica per step, 5m to stabilise, 30s between decisions", () => {
    expect(config(withScaling("staging", { maxReplicas: 6 })).environments.staging.scaling).toEqual({
      maxReplicas: 6,
      scaleOutStep: 1,
      scaleInStep: 1,
      stabilizationWindow: "5m",
      scaleOutCooldown: "1m",
      scaleInBelow: 0.5,
      interval: "30s",
      window: "1m",
      healthyLookback: "1h",
    });
  });

  it.each([
    [{}, "environments.staging.scaling.maxReplicas: "],
    [{ maxReplicas: 101 }, "environments.staging.scaling.maxReplicas: must be at most 100"],
    [{ maxReplicas: 4, scaleOutStep: 0 }, "environments.staging.scaling.scaleOutStep: must be at least 1"],
    [{ maxReplicas: 4, scaleInStep: 11 }, "environments.staging.scaling.scaleInStep: must be at most 10"],
    [{ maxReplicas: 4, scaleInBelow: 1 }, "environments.staging.scaling.scaleInBelow: must be less than 1"],
    [{ maxReplicas: 4, stabilizationWindow: "5 minutes" }, "scaling.stabilizationWindow: must be a duration"],
    [{ maxReplicas: 4, interval: "500ms" }, "environments.staging.scaling.interval: must be at least 1s"],
    [{ maxReplicas: 4, minReplicas: 2 }, "environments.staging.scaling.minReplicas: unknown key"],
  ])("refuses %j, naming the field", (scaling, message) => {
    expect(problems(withScaling("staging", scaling))).toContain(message);
  });

  it("the commented example in pipeline.yaml, uncommented, is valid and spells out the defaults but maxReplicas", () => {
    const lines = real.split("\n");
    const start = lines.indexOf("  #   scaling:");
    expect(start).toBeGreaterThan(0);
    const block: string[] = [];
    for (const line of lines.slice(start)) {
      if (!line.startsWith("  # ")) break;
      block.push(line.slice(4).replace(/\s+#.*$/, ""));
    }
    const head = "  staging:\n    namespace: shop-staging\n";
    const uncommented = real.replace(head, `${head}${block.map((line) => `  ${line}`).join("\n")}\n`);
    const scaling = config(uncommented).environments.staging.scaling;
    expect(scaling).toEqual({ ...config(withScaling("staging", { maxReplicas: 6 })).environments.staging.scaling });
  });
});

describe("scalingPolicy", () => {
  it("resolves fixed replicas to a Deployment count from replicas up to maxReplicas, durations in ms", () => {
    const policy = scalingPolicy(
      config(withScaling("staging", { maxReplicas: 6, stabilizationWindow: "2m", interval: "15s" })),
      "staging",
    );
    expect(policy).toMatchObject({
      env: "staging",
      namespace: "shop-staging",
      capacity: { kind: "replicas", declared: 2, ceiling: 6 },
      slo: { p99LatencyMs: 500, errorRate: 0.01 },
      stabilizationWindowMs: 120_000,
      scaleOutCooldownMs: 60_000,
      intervalMs: 15_000,
      window: "1m",
    });
  });

  it("resolves autoscaling to the HPA's declared bounds and the ceiling for its minReplicas", () => {
    const policy = scalingPolicy(config(withScaling("prod", { maxReplicas: 12 })), "prod");
    expect(policy.capacity).toEqual({ kind: "autoscaler", min: 3, max: 10, ceiling: 12 });
  });

  it("refuses an environment without a scaling block, and a ceiling the environment already reaches", () => {
    const error = (run: () => unknown) => {
      try {
        run();
      } catch (e) {
        return e as ScalingError;
      }
      throw new Error("expected a ScalingError");
    };
    const none = error(() => scalingPolicy(config(real), "dev"));
    expect(none).toBeInstanceOf(ScalingError);
    expect(none.reason).toBe("not_configured");
    expect(none.message).toBe(
      "environments.dev has no scaling block in pipeline.yaml: add one (at least maxReplicas) to let deliver watch scale it (docs/pipeline.md, Scaling)",
    );
    const low = error(() => scalingPolicy(config(withScaling("staging", { maxReplicas: 2 })), "staging"));
    expect(low.reason).toBe("invalid_bounds");
    expect(low.message).toBe(
      "environments.staging.scaling.maxReplicas (2) must be greater than environments.staging.replicas (2), or the watch could never scale out",
    );
    const underHpa = error(() => scalingPolicy(config(withScaling("prod", { maxReplicas: 3 })), "prod"));
    expect(underHpa.message).toBe(
      "environments.prod.scaling.maxReplicas (3) must be greater than environments.prod.autoscaling.min (3), or the watch could never raise the HPA's minReplicas",
    );
  });
});
