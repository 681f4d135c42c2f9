// The analysis's public surface: judge a revision against Prometheus, and the metrics an slo implies.

export {
  AnalysisError,
  AnalysisInputError,
  ConditionEvaluationError,
  ConditionSyntaxError,
  PrometheusQueryError,
} from "../errors.js";
export { defaultMetrics } from "./default-metrics.js";
export { createPrometheusClient, type PrometheusClient, type PrometheusClientOptions } from "./prometheus-client.js";
export { type AnalysisDeps, type RunAnalysisOptions, runAnalysis } from "./run.js";
export type {
  AnalysisPhase,
  AnalysisResult,
  BaselineMeasurement,
  Measurement,
  MeasurementTally,
  MetricResult,
} from "./types.js";
