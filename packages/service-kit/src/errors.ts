/** One problem with one input field, e.g. `{ field: "body.quantity", message: "must be at least 1" }`. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** An error that becomes an HTTP answer `{ error, message, details }` with its status code. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new HttpError(400, code, message, details);
export const notFound = (what: string, id: string) =>
  new HttpError(404, "not_found", `${what} ${id} does not exist`, { [what.toLowerCase()]: id });
export const conflict = (code: string, message: string, details?: unknown) =>
  new HttpError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown) =>
  new HttpError(422, code, message, details);

/** A call to another service that got no usable answer: it timed out or could not be reached. */
export class DownstreamUnavailableError extends Error {
  constructor(
    readonly service: string,
    readonly reason: "timeout" | "unreachable",
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "DownstreamUnavailableError";
  }
}

/** A call to another service that answered with an unexpected status. */
export class DownstreamError extends Error {
  constructor(
    readonly service: string,
    readonly statusCode: number,
    readonly body: unknown,
  ) {
    const code = (body as { error?: unknown } | null)?.error;
    super(`${service} answered ${statusCode}${typeof code === "string" ? ` (${code})` : ""}`);
    this.name = "DownstreamError";
  }
}

/** Error bodies every service sends. */
export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly details?: unknown;
}
