// What each analysis metric of an environment is held to, in words: its conditions, its bound relative to the
// previous revision and how many failed measurements it tolerates, as pipeline.yaml sets them (or the defaults
// derived from the environment's slo when it lists no metrics).
import type { AnalysisMetricConfig, EnvironmentConfig } from "../config/schema.js";
import { analysisSettings } from "../delivery/analysis/plan.js";

/** metric name → its threshold in words; empty when the environment has no analysis block. */
export function metricThresholds(environment: EnvironmentConfig | undefined): Record<string, string> {
  if (environment?.analysis === undefined) return {};
  const { metrics } = analysisSettings(environment);
  return Object.fromEntries(metrics.map((metric) => [metric.name, thresholdText(metric)]));
}

/** `pass when result <= 300; at most 1.2× the previous revision`, and the failure allowance when there is one. */
export function thresholdText(metric: AnalysisMetricConfig): string {
  const parts: string[] = [];
  if (metric.successCondition !== undefined) parts.push(`pass when ${metric.successCondition}`);
  if (metric.failureCondition !== undefined) parts.push(`fail when ${metric.failureCondition}`);
  if (metric.relative?.maxRatio !== undefined) parts.push(`at most ${metric.relative.maxRatio}× the previous revision`);
  if (metric.relative?.minRatio !== undefined)
    parts.push(`at least ${metric.relative.minRatio}× the previous revision`);
  if (metric.failureLimit > 0) parts.push(`up to ${metric.failureLimit} failed measurements tolerated`);
  return parts.join("; ") || "no condition: any value passes";
}
