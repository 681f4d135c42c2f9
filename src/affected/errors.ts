/** Affected services could not be computed: git failed, or the workspace layout could not be read. */
export class AffectedError extends Error {
  override readonly name: string = "AffectedError";
}

/** A git ref that does not name a commit in the repository (a typo, or history missing in a shallow clone). */
export class GitRefError extends AffectedError {
  override readonly name = "GitRefError";

  constructor(
    readonly ref: string,
    readonly repoRoot: string,
    detail: string,
  ) {
    super(`unknown git ref "${ref}" in ${repoRoot}: ${detail}`);
  }
}
