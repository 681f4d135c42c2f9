// What `deliver watch` may do in one environment: its scaling block resolved against the environment's replicas or
// autoscaling and its SLO, durations in milliseconds. Pure: the checks that need both the scaling block and the rest
// of the environment live here because the schema validates each block on its own.
import type { PipelineConfig } from "../../config/index.js";
import type { SloConfig } from "../../config/schema.js";
import { durationMs } from "../analysis/duration.js";
import { ScalingError } from "../errors.js";
import { assertEnvironment } from "../manifests/index.js";

/**
 * What the watch changes. `replicas`: the Deployment's count, from what pipeline.yaml declares up to the ceiling.
 * `autoscaler`: the HPA's minReplicas (and maxReplicas when min would pass it), from pipeline.yaml's autoscaling
 * bounds up to the ceiling; the HPA keeps scaling on CPU within them.
 */
export type Capacity =
  | { readonly kind: "replicas"; readonly declared: number; readonly ceiling: number }
  | { readonly kind: "autoscaler"; readonly min: number; readonly max: number; readonly ceiling: number };

/** One environment's scaling rules, ready for {@link decideScaling} and the watch. */
export interface ScalingPolicy {
  readonly env: string;
  readonly namespace: string;
  readonly capacity: Capacity;
  /** The environment's SLO: over p99LatencyMs the latency SLO burns; over errorRate the revision is failing. */
  readonly slo: SloConfig;
  readonly scaleOutStep: number;
  readonly scaleInStep: number;
  readonly stabilizationWindowMs: number;
  readonly scaleOutCooldownMs: number;
  /** Scale in only while p99 stayed under scaleInBelow × slo.p99LatencyMs. */
  readonly scaleInBelow: number;
  readonly intervalMs: number;
  /** PromQL durations, as written in pipeline.yaml. */
  readonly interval: string;
  readonly window: string;
  readonly stabilizationWindow: string;
  readonly healthyLookback: string;
}

/** The scaling policy of `env`; ScalingError when it has no scaling block or one that cannot work with it. */
export function scalingPolicy(config: PipelineConfig, env: string): ScalingPolicy {
  assertEnvironment(config, env);
  const environment = config.environments[env];
  const { scaling } = environment;
  if (!scaling) {
    throw new ScalingError(
      "not_configured",
      env,
      `environments.${env} has no scaling block in pipeline.yaml: add one (at least maxReplicas) to let deliver watch scale it (docs/pipeline.md, Scaling)`,
    );
  }
  const field = `environments.${env}.scaling.maxReplicas`;
  let capacity: Capacity;
  if (environment.autoscaling) {
    const { min, max } = environment.autoscaling;
    if (scaling.maxReplicas <= min) {
      throw new ScalingError(
        "invalid_bounds",
        env,
        `${field} (${scaling.maxReplicas}) must be greater than environments.${env}.autoscaling.min (${min}), or the watch could never raise the HPA's minReplicas`,
      );
    }
    capacity = { kind: "autoscaler", min, max, ceiling: scaling.maxReplicas };
  } else {
    const declared = environment.replicas ?? 1;
    if (scaling.maxReplicas <= declared) {
      throw new ScalingError(
        "invalid_bounds",
        env,
        `${field} (${scaling.maxReplicas}) must be greater than environments.${env}.replicas (${declared}), or the watch could never scale out`,
      );
    }
    capacity = { kind: "replicas", declared, ceiling: scaling.maxReplicas };
  }
  return {
    env,
    namespace: environment.namespace,
    capacity,
    slo: environment.slo,
    scaleOutStep: scaling.scaleOutStep,
    scaleInStep: scaling.scaleInStep,
    stabilizationWindowMs: durationMs(scaling.stabilizationWindow),
    scaleOutCooldownMs: durationMs(scaling.scaleOutCooldown),
    scaleInBelow: scaling.scaleInBelow,
    intervalMs: durationMs(scaling.interval),
    interval: scaling.interval,
    window: scaling.window,
    stabilizationWindow: scaling.stabilizationWindow,
    healthyLookback: scaling.healthyLookback,
  };
}
