// Errors the synthetic load throws on purpose; the driver's findings (failed requests, sold-out products) are in
// its summary, never thrown.
import { DeliveryError } from "../errors.js";

/** The options given to the load driver were refused; `field` names the option, the message says what is allowed. */
export class LoadOptionsError extends DeliveryError {
  override readonly name = "LoadOptionsError";

  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`synthetic load: ${field}: ${problem}`);
  }
}

/** The load tool itself failed (not a request it sent: those are counted in the summary). */
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
