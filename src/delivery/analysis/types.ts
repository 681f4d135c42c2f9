// What an analysis run reports: every measurement, each metric's phase and the run's verdict, in Argo Rollouts'
// vocabulary (AnalysisRun status), as plain JSON-friendly data.

/** The outcome of one measurement, of one metric, and of the whole run. */
export type AnalysisPhase = "Successful" | "Failed" | "Inconclusive" | "Error";

/** Best to worst; the run's phase is its worst metric's (Argo's analysisStatusOrder). */
export const PHASE_ORDER: readonly AnalysisPhase[] = ["Successful", "Inconclusive", "Error", "Failed"];

/** The comparison of a measurement with the same query for the previous revision. */
export interface BaselineMeasurement {
  /** The previous revision's label value. */
  readonly revision: string;
  readonly query: string;
  /** One value per series; absent when the query failed. */
  readonly value?: readonly number[];
  /** new / previous (first series of each); absent when either side had no data. */
  readonly ratio?: number;
  /** ISO time the previous revision was measured at, when not the measurement's own (e.g. before the rollout). */
  readonly at?: string;
}

/** One query (or pair of queries) and its verdict. */
export interface Measurement {
  readonly phase: AnalysisPhase;
  /** One value per series the query returned; absent when the query failed. */
  readonly value?: readonly number[];
  /** ISO 8601. */
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The PromQL sent, placeholders filled in. */
  readonly query: string;
  /** Why this phase, in one line. */
  readonly message: string;
  /** Present when the metric has a relative check and a previous revision was given. */
  readonly baseline?: BaselineMeasurement;
}

/** How many measurements ended in each phase, counted as Argo counts them (errors do not count toward `count`). */
export interface MeasurementTally {
  /** Measurements that were not errors. */
  readonly count: number;
  readonly successful: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly error: number;
  readonly consecutiveError: number;
}

/** One metric's result. */
export interface MetricResult extends MeasurementTally {
  readonly name: string;
  readonly phase: AnalysisPhase;
  /** Why this phase, e.g. `failed (1) > failureLimit (0)`. */
  readonly message: string;
  readonly measurements: readonly Measurement[];
}

/** The verdict on a revision. */
export interface AnalysisResult {
  /** The worst metric phase (Failed > Error > Inconclusive > Successful). */
  readonly phase: AnalysisPhase;
  /** One line: the verdict and, unless Successful, which metrics and why. */
  readonly message: string;
  readonly environment: string;
  readonly namespace: string;
  readonly service: string;
  /** The label value of the revision judged (first 12 hex digits of its image digest). */
  readonly revision: string;
  readonly previousRevision?: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Whether the run stopped before every metric reached its count, because one ended Failed, Error or Inconclusive. */
  readonly stoppedEarly: boolean;
  readonly metrics: readonly MetricResult[];
}
