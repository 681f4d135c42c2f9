// What a deliver command reports when it is done or has failed: one typed value, built by report.ts from what the
// command learned, and turned into files by the renderers (junit.ts for Jenkins and GitLab, markdown.ts for
// GitHub's job summary). Plain data: the renderers know nothing about clusters or errors.

/** The deliver commands that write a report. */
export type ReportCommand = "deploy" | "promote" | "rollback" | "analyze";

/**
 * How the command ended: `succeeded` (exit 0), `failed` (exit 1, what it changed rolled back where it could), or
 * `unverified` (exit 1: deployed and in place, but its analysis was Inconclusive or Error).
 */
export type ReportOutcome = "succeeded" | "failed" | "unverified";

/** One image of the release, as deployed or as asked for. */
export interface ReportImage {
  readonly service: string;
  /** The full reference, pinned by digest when the release was. */
  readonly image: string;
  /** `sha256:…` */
  readonly digest?: string;
  /** The Deployment's revision once the release was Ready. */
  readonly revision?: string;
}

/**
 * What happened to one service's Deployment: a new revision Ready (`rolled-out`), already running this image
 * (`unchanged`), its own rollout failed (`failed`), reverted because the release failed or by `deliver rollback`
 * (`rolled-back`), not restored after a failure (`rollback-failed`), or never started (`not-reached`).
 */
export type RolloutOutcome = "rolled-out" | "unchanged" | "failed" | "rolled-back" | "rollback-failed" | "not-reached";

export interface ServiceRollout {
  readonly service: string;
  readonly outcome: RolloutOutcome;
  /** One line: the revision, or why. */
  readonly detail?: string;
}

/** Argo Rollouts' phases, plus `Cancelled` for a service whose analysis stopped because another one failed. */
export type ReportPhase = "Successful" | "Failed" | "Inconclusive" | "Error" | "Cancelled";

/** One metric of one service: what was measured, against which threshold, and the verdict. */
export interface MetricReport {
  readonly metric: string;
  readonly phase: ReportPhase;
  /** How many measurements were taken. */
  readonly measurements: number;
  /** The deciding measurement's values, one per series (null where Prometheus answered NaN or ±Inf). */
  readonly value?: readonly (number | null)[];
  /** The conditions and relative bound pipeline.yaml sets for the metric, e.g. `pass when result <= 0.01`. */
  readonly threshold: string;
  /** The deciding measurement's own words, e.g. `result [0.2] did not meet successCondition result <= 0.01`. */
  readonly message: string;
}

/** One service's analysis. */
export interface ServiceAnalysisReport {
  readonly service: string;
  /** Label value (12 hex digits of the digest) of the revision judged. */
  readonly revision: string;
  /** The revision it was compared with, for relative checks. */
  readonly previousRevision?: string;
  readonly phase: ReportPhase;
  readonly message: string;
  readonly metrics: readonly MetricReport[];
}

/** The analysis verdict on the release; `NotRun`: the environment has analysis but no Prometheus URL was given. */
export interface AnalysisReport {
  readonly outcome: "Successful" | "Failed" | "Inconclusive" | "Error" | "NotRun";
  readonly verified: boolean;
  /** ISO time of the verdict. */
  readonly at: string;
  readonly message: string;
  /** In dependency order. */
  readonly services: readonly ServiceAnalysisReport[];
}

/** What was rolled back and why. */
export interface RollbackReport {
  readonly services: readonly string[];
  readonly reason: string;
  /** Services that could not be restored, each with why. */
  readonly failures: readonly string[];
}

/** Everything a report says about one run of a deliver command. */
export interface DeliveryReport {
  readonly command: ReportCommand;
  /** The environment acted on (promote: the target); absent when the command failed before naming one. */
  readonly env?: string;
  readonly outcome: ReportOutcome;
  /** ISO time the command started. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly releaseId?: string;
  /** promote: the environment (and its release) the digests came from. */
  readonly promotedFrom?: { readonly env: string; readonly release?: string };
  /** Who approved the deploy (a promotion into an environment with requiresApproval) and when. */
  readonly approval?: { readonly by: string; readonly at: string };
  readonly images: readonly ReportImage[];
  /** In dependency order. */
  readonly rollouts: readonly ServiceRollout[];
  readonly analysis?: AnalysisReport;
  readonly rollback?: RollbackReport;
  /** Why the command failed or the release is unverified: the CLI's own message. */
  readonly error?: { readonly type: string; readonly message: string };
}
