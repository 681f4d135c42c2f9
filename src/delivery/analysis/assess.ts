// Argo Rollouts' rules for turning measurements into a metric's phase and metrics into a run's phase
// (analysis/analysis.go: runMeasurements' counting, assessMetricFailureInconclusiveOrError, assessMetricStatus,
// IsTerminating, IsWorse). Pure functions over counts.
import { type AnalysisPhase, type MeasurementTally, PHASE_ORDER } from "./types.js";

/** A metric's limits and count, defaults already filled in. */
export interface MetricLimits {
  readonly count: number;
  readonly failureLimit: number;
  readonly inconclusiveLimit: number;
  readonly consecutiveErrorLimit: number;
}

/** A metric still measuring, or done with a phase. */
export type MetricAssessment =
  | { readonly phase: "Running" }
  | { readonly phase: AnalysisPhase; readonly message: string };

export const EMPTY_TALLY: MeasurementTally = {
  count: 0,
  successful: 0,
  failed: 0,
  inconclusive: 0,
  error: 0,
  consecutiveError: 0,
};

/** The tally after one more measurement: an error counts only as an error; anything else resets the error streak. */
export function tally(before: MeasurementTally, phase: AnalysisPhase): MeasurementTally {
  switch (phase) {
    case "Successful":
      return { ...before, count: before.count + 1, successful: before.successful + 1, consecutiveError: 0 };
    case "Failed":
      return { ...before, count: before.count + 1, failed: before.failed + 1, consecutiveError: 0 };
    case "Inconclusive":
      return { ...before, count: before.count + 1, inconclusive: before.inconclusive + 1, consecutiveError: 0 };
    case "Error":
      return { ...before, error: before.error + 1, consecutiveError: before.consecutiveError + 1 };
  }
}

/**
 * A metric's phase: Failed when failed > failureLimit, Inconclusive when inconclusive > inconclusiveLimit, Error
 * when consecutive errors > consecutiveErrorLimit (checked in that order, a later one winning, as Argo does);
 * otherwise Successful once `count` measurements were taken, or when the run is terminating; else Running.
 */
export function assessMetric(limits: MetricLimits, t: MeasurementTally, terminating: boolean): MetricAssessment {
  let verdict: MetricAssessment | undefined;
  if (t.failed > limits.failureLimit)
    verdict = { phase: "Failed", message: `failed (${t.failed}) > failureLimit (${limits.failureLimit})` };
  if (t.inconclusive > limits.inconclusiveLimit)
    verdict = {
      phase: "Inconclusive",
      message: `inconclusive (${t.inconclusive}) > inconclusiveLimit (${limits.inconclusiveLimit})`,
    };
  if (t.consecutiveError > limits.consecutiveErrorLimit)
    verdict = {
      phase: "Error",
      message: `consecutiveErrors (${t.consecutiveError}) > consecutiveErrorLimit (${limits.consecutiveErrorLimit})`,
    };
  if (verdict) return verdict;
  if (t.count >= limits.count) return { phase: "Successful", message: `count (${limits.count}) reached` };
  if (terminating) return { phase: "Successful", message: "run terminated" };
  return { phase: "Running" };
}

/** A metric that ended Failed, Error or Inconclusive ends the whole run (Argo's IsTerminating). */
export function terminates(phase: AnalysisPhase | "Running"): boolean {
  return phase === "Failed" || phase === "Error" || phase === "Inconclusive";
}

/** The worst of some phases; Successful for none. */
export function worstPhase(phases: Iterable<AnalysisPhase>): AnalysisPhase {
  let worst: AnalysisPhase = "Successful";
  for (const phase of phases) if (PHASE_ORDER.indexOf(phase) > PHASE_ORDER.indexOf(worst)) worst = phase;
  return worst;
}
