// Typed errors of the delivery controller. Each message is one line that says what went wrong and
// what to do about it; the fields carry the same facts for callers that branch on them.

import { DeliveryError } from "./errors.js";

export { DeliveryError };

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

/** A Deployment rollout failed the way `kubectl rollout status` fails (ProgressDeadlineExceeded). */
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
      `deployment ${namespace}/${deployment} revision ${revision ?? "?"} failed: ${condition} condition is ${reason} (${detail})`,
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
