/** A command line the CLI cannot run: answered with the usage text and exit code 2. */
export class UsageError extends Error {}

/** True for our UsageError and for node:util parseArgs' own argument errors. */
export function isUsageError(error: unknown): error is Error {
  return error instanceof UsageError || Boolean((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS"));
}
