// Every error the delivery code throws on purpose, in one module. Each message is one line that says what went
// wrong and what to do about it; the fields carry the same facts for callers that branch on them.
import type { ReleaseAnalysis, ReleaseRecord } from "./release-records.js";

/** Base class of every error the delivery code throws on purpose, so a CLI can print `message` as one line. */
export class DeliveryError extends Error {
  override readonly name: string = "DeliveryError";
}

/** What is wrong with a release, so callers can branch without parsing messages. */
export type ReleaseErrorReason =
  | "unknown_environment"
  | "unknown_service"
  | "missing_service"
  | "malformed_image"
  | "malformed_digest"
  | "wrong_repository"
  | "invalid_metadata";

/**
 * A release (environment + image digest per service) cannot be rendered. `service` names the service at fault
 * (undefined when the problem is the environment or the release as a whole); the message says what to fix.
 */
export class ReleaseError extends DeliveryError {
  override readonly name = "ReleaseError";

  constructor(
    readonly reason: ReleaseErrorReason,
    message: string,
    readonly service?: string,
  ) {
    super(service === undefined ? message : `service ${service}: ${message}`);
  }
}

/** The kubeconfig file does not exist. */
export class KubeconfigNotFoundError extends DeliveryError {
  override readonly name = "KubeconfigNotFoundError";
  constructor(readonly path: string) {
    super(`kubeconfig not found at ${path}: pass the path of an existing kubeconfig (or set KUBECONFIG)`);
  }
}

/** The kubeconfig file exists but cannot be read or does not describe a usable cluster. */
export class KubeconfigInvalidError extends DeliveryError {
  override readonly name = "KubeconfigInvalidError";
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`kubeconfig ${path} is not usable: ${detail}; fix the file or point to another kubeconfig`);
  }
}

/** No answer from the API server named in the kubeconfig. */
export class ApiUnreachableError extends DeliveryError {
  override readonly name = "ApiUnreachableError";
  constructor(
    readonly server: string,
    readonly detail: string,
  ) {
    super(
      `cannot reach the Kubernetes API server at ${server} (${detail}): check that the cluster is running and that the kubeconfig's server address is right`,
    );
  }
}

/** The API server answered a request with an error other than the one the caller handles. */
export class KubeApiError extends DeliveryError {
  override readonly name = "KubeApiError";
  constructor(
    readonly action: string,
    readonly target: string,
    readonly status: number | undefined,
    readonly detail: string,
  ) {
    super(`${action} ${target} failed${status === undefined ? "" : ` (HTTP ${status})`}: ${detail}`);
  }
}

/**
 * A Deployment rollout failed: the way `kubectl rollout status` fails (condition Progressing, reason
 * ProgressDeadlineExceeded), or earlier, when a pod of the new revision crash-loops (condition `pod <name>`, reason
 * CrashLoopBackOff).
 */
export class RolloutFailedError extends DeliveryError {
  override readonly name = "RolloutFailedError";
  constructor(
    readonly namespace: string,
    readonly deployment: string,
    readonly condition: string,
    readonly reason: string,
    readonly revision: string | undefined,
    readonly detail: string,
  ) {
    super(
      `deployment ${namespace}/${deployment} revision ${revision ?? "?"} failed: ${condition}${condition === "Progressing" ? " condition" : ""} is ${reason} (${detail})`,
    );
  }
}

/** A rollout did not finish before its deadline. */
export class RolloutTimeoutError extends DeliveryError {
  override readonly name = "RolloutTimeoutError";
  constructor(
    readonly namespace: string,
    readonly deployment: string,
    readonly revision: string | undefined,
    readonly timeoutMs: number,
    readonly lastStatus: string,
  ) {
    super(
      `deployment ${namespace}/${deployment} revision ${revision ?? "?"} did not finish rolling out within ${Math.round(timeoutMs / 1000)}s; last seen: ${lastStatus}`,
    );
  }
}

/** A verification hook rejected a rollout that Kubernetes considered complete. */
export class VerificationFailedError extends DeliveryError {
  override readonly name = "VerificationFailedError";
  constructor(
    readonly namespace: string,
    readonly deployment: string,
    readonly revision: string | undefined,
    readonly detail: string,
  ) {
    super(`deployment ${namespace}/${deployment} revision ${revision ?? "?"} was rejected by verification: ${detail}`);
  }
}

/** `rollout undo` is impossible (no earlier revision, unknown revision, paused deployment). */
export class RollbackImpossibleError extends DeliveryError {
  override readonly name = "RollbackImpossibleError";
  constructor(
    readonly namespace: string,
    readonly deployment: string,
    readonly detail: string,
  ) {
    super(`cannot roll back deployment ${namespace}/${deployment}: ${detail}`);
  }
}

/** A deploy failed and was rolled back; the message names service, failed revision, reason, serving revision. */
export class DeployRolledBackError extends DeliveryError {
  override readonly name = "DeployRolledBackError";
  constructor(
    readonly namespace: string,
    readonly service: string,
    readonly failedRevision: string | undefined,
    readonly reason: string,
    readonly servingRevision: string | undefined,
    readonly restoredFromRevision: string,
    readonly servingImages: readonly string[],
    /** From the failure being seen to the restored revision being healthy. */
    readonly rollbackMs: number,
  ) {
    super(
      `deploy of ${service} (${namespace}) failed at revision ${failedRevision ?? "?"}: ${reason}; rolled back, now serving revision ${servingRevision ?? "?"} (the template of revision ${restoredFromRevision}, ${servingImages.join(", ")})`,
    );
  }
}

/** A deploy would re-roll an image that an earlier deploy rolled back. */
export class RolledBackImageError extends DeliveryError {
  override readonly name = "RolledBackImageError";
  constructor(
    readonly namespace: string,
    readonly service: string,
    readonly image: string,
    readonly rolledBackAt: string,
    readonly reason: string,
  ) {
    super(
      `refusing to deploy ${image} to ${service} (${namespace}): it was rolled back at ${rolledBackAt} (${reason}); deploy a fixed image, or pass force: true (--force) to roll it out again`,
    );
  }
}

/** A scale request that cannot or must not be carried out; one line that says what to fix. */
export class ScaleError extends DeliveryError {
  override readonly name = "ScaleError";
  constructor(
    readonly reason: "unknown_service" | "invalid_replicas" | "autoscaled" | "not_deployed",
    message: string,
  ) {
    super(message);
  }
}

/** Why a promotion was refused, so callers can branch without parsing messages. */
export type PromotionErrorReason =
  | "not_promoted_from"
  | "not_deployed"
  | "not_pinned"
  | "no_container"
  /** `from` has analysis configured and its current release has no Successful, recent analysis of what it runs. */
  | "not_analysed"
  /** `to` has promotion.requiresApproval and nobody approved. */
  | "approval_required"
  | "invalid_approver";

/** A promotion that must not happen; one line that names both environments or the service at fault. */
export class PromotionError extends DeliveryError {
  override readonly name = "PromotionError";
  constructor(
    readonly reason: PromotionErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** A release failed at one service; it and the services this release had already changed were rolled back. */
export class ReleaseFailedError extends DeliveryError {
  override readonly name = "ReleaseFailedError";
  constructor(
    readonly env: string,
    readonly namespace: string,
    readonly releaseId: string,
    readonly failedService: string,
    /** Services rolled back because of the failure, the failed one first, then newest change first. */
    readonly rolledBack: readonly string[],
    readonly detail: string,
    readonly rollbackFailures: readonly string[] = [],
    /** Set when the release failed its analysis: every service's verdict and the measurements that decided it. */
    readonly analysis?: ReleaseAnalysis,
    /** The release as it was being deployed: its images and digests, its approval and where it was promoted from. */
    readonly release?: ReleaseRecord,
  ) {
    super(
      `release ${releaseId} to ${env} (${namespace}) failed at ${failedService}: ${detail}; rolled back: ${rolledBack.length ? rolledBack.join(", ") : "none"}${rollbackFailures.length ? `; could NOT roll back: ${rollbackFailures.join("; ")}` : ""}`,
    );
  }
}

/**
 * A release rolled out and stays current, but its analysis ended Inconclusive or Error: it is recorded as
 * unverified and cannot be promoted. The message says what was missing and what to do.
 */
export class ReleaseUnverifiedError extends DeliveryError {
  override readonly name = "ReleaseUnverifiedError";
  constructor(
    readonly env: string,
    readonly namespace: string,
    readonly releaseId: string,
    readonly analysis: ReleaseAnalysis,
    advice: string,
    /** The release as recorded: images, digests, Deployment revisions, approval. */
    readonly release?: ReleaseRecord,
    /** Services whose Deployment got a new revision. */
    readonly changed?: readonly string[],
  ) {
    super(`release ${releaseId} to ${env} (${namespace}) is deployed but not verified: ${analysis.message}; ${advice}`);
  }
}

/** Another deploy held the lock for longer than we were willing to wait. */
export class DeployLockTimeoutError extends DeliveryError {
  override readonly name = "DeployLockTimeoutError";
  constructor(
    readonly namespace: string,
    /** The Lease and what it guards. */
    readonly lease: { readonly name: string; readonly guards: string },
    readonly holder: string,
    readonly heldSince: string | undefined,
    readonly waitedMs: number,
  ) {
    super(
      `another ${lease.guards} in namespace ${namespace} is running (lock Lease ${namespace}/${lease.name} held by "${holder}"${heldSince ? ` since ${heldSince}` : ""}); waited ${Math.round(waitedMs / 1000)}s: retry when it has finished, or delete the Lease if that ${lease.guards} is dead`,
    );
  }
}

/** The lock was taken away from us (we failed to renew it in time and someone took it over). */
export class DeployLockLostError extends DeliveryError {
  override readonly name = "DeployLockLostError";
  constructor(
    readonly namespace: string,
    readonly lease: { readonly name: string; readonly guards: string },
    readonly holder: string,
    readonly detail: string,
  ) {
    super(
      `lost the ${lease.guards} lock of namespace ${namespace} (held as "${holder}"): ${detail}; stopping this ${lease.guards}`,
    );
  }
}

/** Why `deliver watch` cannot start or had to stop, so callers can branch without parsing messages. */
export type ScalingErrorReason =
  /** The environment has no `scaling` block in pipeline.yaml. */
  | "not_configured"
  /** The scaling block does not fit the environment's replicas or autoscaling. */
  | "invalid_bounds"
  /** Prometheus failed for too many evaluations in a row: the watch cannot see what it would act on. */
  | "prometheus_unavailable";

/** Scaling actions that cannot be taken; one line that names the environment and the field or the failure. */
export class ScalingError extends DeliveryError {
  override readonly name = "ScalingError";
  constructor(
    readonly reason: ScalingErrorReason,
    readonly env: string,
    message: string,
  ) {
    super(message);
  }
}

/** The options given to the synthetic load driver were refused; `field` names the option, the message says what is allowed. */
export class LoadOptionsError extends DeliveryError {
  override readonly name = "LoadOptionsError";

  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`synthetic load: ${field}: ${problem}`);
  }
}

/**
 * The load tool itself failed (not a request it sent: those are counted in the load summary, never thrown, and
 * neither are the driver's other findings such as sold-out products).
 */
export class LoadRunError extends DeliveryError {
  override readonly name = "LoadRunError";

  constructor(
    readonly baseUrl: string,
    cause: unknown,
  ) {
    super(`synthetic load against ${baseUrl} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/** A report the user asked for (--report-dir, $DELIVER_REPORT_DIR, $GITHUB_STEP_SUMMARY) cannot be written. */
export class ReportWriteError extends DeliveryError {
  override readonly name = "ReportWriteError";
  constructor(
    readonly path: string,
    readonly detail: string,
    /** What the command itself did, so a report that cannot be written does not hide that the deploy happened. */
    outcome: string,
  ) {
    super(`${outcome}, but the report could not be written to ${path} (${detail}): fix the path or its permissions`);
  }
}

/** Base class of the analysis errors: messages name what failed (the query, the condition, Prometheus' answer). */
export class AnalysisError extends DeliveryError {
  override readonly name: string = "AnalysisError";
}

/** A successCondition or failureCondition does not parse; `reason` is the message without the expression. */
export class ConditionSyntaxError extends AnalysisError {
  override readonly name = "ConditionSyntaxError";
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`condition ${JSON.stringify(expression)}: ${reason}`);
  }
}

/** A condition parsed but cannot be evaluated against this measurement's values (e.g. `result[1]` of one series). */
export class ConditionEvaluationError extends AnalysisError {
  override readonly name = "ConditionEvaluationError";
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`condition ${JSON.stringify(expression)}: ${reason}`);
  }
}

/** What went wrong with a Prometheus query, so a caller can branch without parsing messages. */
export type PrometheusErrorKind = "unreachable" | "timeout" | "http" | "prometheus" | "malformed";

/**
 * An instant query failed: Prometheus could not be reached, answered an HTTP error, reported an error in its
 * JSON (`errorType`, `error`), or answered something that is not its API's JSON. Carries the query sent.
 */
export class PrometheusQueryError extends AnalysisError {
  override readonly name = "PrometheusQueryError";
  constructor(
    readonly kind: PrometheusErrorKind,
    readonly url: string,
    readonly query: string,
    detail: string,
    readonly status?: number,
    readonly errorType?: string,
    readonly prometheusMessage?: string,
  ) {
    super(`Prometheus at ${url}: ${detail}; query: ${query}`);
  }
}

/** runAnalysis was asked about something pipeline.yaml does not declare, or a revision that is not a digest. */
export class AnalysisInputError extends AnalysisError {
  override readonly name = "AnalysisInputError";
}

/** The perf gate was given digests it cannot compare: not `sha256:<64 hex>`, an unknown service or a missing one. */
export class PerfGateInputError extends AnalysisError {
  override readonly name = "PerfGateInputError";
}

/** The candidate did not pass the perf gate: its analysis against the baseline was not Successful. */
export class PerfGateFailedError extends DeliveryError {
  override readonly name = "PerfGateFailedError";
  constructor(
    readonly outcome: string,
    readonly detail: string,
  ) {
    super(`perf gate ${outcome}: ${detail}`);
  }
}
