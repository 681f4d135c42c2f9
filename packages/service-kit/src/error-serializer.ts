/** What a log line keeps of an error: enough to act on, never the objects it drags along (a pg client, a socket). */
export interface SerializedError {
  readonly type: string;
  readonly message: string;
  readonly stack?: string;
  readonly [field: string]: unknown;
}

// Scalar fields that Node, pg (PostgreSQL's error fields) and our own errors carry and an operator reads.
const KEPT_FIELDS = [
  "code",
  "errno",
  "syscall",
  "address",
  "port",
  "severity",
  "detail",
  "hint",
  "schema",
  "table",
  "column",
  "constraint",
  "routine",
  "statusCode",
  "service",
  "reason",
] as const;

/** The pino `err` serializer every service uses. */
export function serializeError(error: unknown, depth = 0): SerializedError | unknown {
  if (!(error instanceof Error)) return error;
  // pg's DatabaseError is named "error"; its class says what it is.
  const type = error.constructor?.name ?? error.name;
  const serialized: Record<string, unknown> = { type, message: error.message, stack: error.stack };
  for (const field of KEPT_FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (value !== undefined && (typeof value !== "object" || value === null)) serialized[field] = value;
  }
  if (error.cause !== undefined && depth < 3) serialized.cause = serializeError(error.cause, depth + 1);
  return serialized as SerializedError;
}
