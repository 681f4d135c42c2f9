/** What went wrong, so a caller can branch on it. */
export type ClusterErrorKind =
  | "prerequisite" // a tool, permission or file the cluster needs is missing
  | "build" // a Go build failed
  | "start" // a component exited or never became healthy
  | "timeout" // a wait ran past its deadline
  | "command" // a one-shot command failed
  | "state"; // the run directory is missing, stale or held by another cluster

/** An error from the test cluster, with the kind and (where there is one) the log to read. */
export class ClusterError extends Error {
  override readonly name = "ClusterError";

  constructor(
    readonly kind: ClusterErrorKind,
    message: string,
    readonly details: { readonly logFile?: string; readonly cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}
