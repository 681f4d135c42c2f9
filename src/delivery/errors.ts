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
