// environments.<env>.scaling: how `deliver watch` may change an environment's capacity when its latency SLO burns
// while the revision is healthy (saturation). Bounds that depend on the rest of the environment (replicas or
// autoscaling) are checked where both are known (scalingPolicy in src/delivery/scaling/policy.ts).
import { z } from "zod";
import { durationMs, isDuration } from "../delivery/analysis/duration.js";

/** The most replicas anything in the delivery code sets (deliver scale, deliver watch). */
export const MAX_REPLICAS = 100;

const replicas = z.int().min(1, "must be at least 1").max(MAX_REPLICAS, `must be at most ${MAX_REPLICAS}`);
const step = z.int().min(1, "must be at least 1").max(10, "must be at most 10 (a bigger jump is a capacity plan)");
const duration = z
  .string()
  .refine(isDuration, 'must be a duration such as "30s", "5m" or "1h"')
  .refine((text) => !isDuration(text) || durationMs(text) >= 1_000, "must be at least 1s");

/** Scaling actions of one environment; everything but maxReplicas has a default. */
export const scalingSchema = z.strictObject({
  /**
   * Ceiling: the Deployment's replicas, or under an HPA its minReplicas, never go above it. Scaling in returns to
   * what the environment declares (`replicas`, or `autoscaling.min` and `.max`) and never below.
   */
  maxReplicas: replicas,
  /** Replicas added per scale-out. */
  scaleOutStep: step.default(1),
  /** Replicas removed per scale-in. */
  scaleInStep: step.default(1),
  /** No scale-in until this long after the last action, and only if p99 stayed low for all of it. */
  stabilizationWindow: duration.default("5m"),
  /** Between two scale-outs: the new pods must serve for a while before p99 can show their effect. */
  scaleOutCooldown: duration.default("1m"),
  /** Scale in only while p99 stayed under this share of slo.p99LatencyMs for the whole stabilization window. */
  scaleInBelow: z.number().gt(0, "must be greater than 0").lt(1, "must be less than 1").default(0.5),
  /** How often `deliver watch` measures and decides. */
  interval: duration.default("30s"),
  /** Range of rate() in the queries. */
  window: duration.default("1m"),
  /**
   * How far back the revision must have met the p99 SLO for a burn to count as saturation; a revision that never
   * did is a regression, which analysis and rollback handle, not more replicas.
   */
  healthyLookback: duration.default("1h"),
});

/** An environment's scaling block after validation, defaults filled in. */
export type ScalingConfig = z.output<typeof scalingSchema>;
