/** Left out of the module's source so that cache keys change only when inputs do. */
export const SOURCE_IGNORE = ["node_modules", "**/node_modules", "**/dist", ".git", ".data", ".tmp", "coverage"];

/** The history `affected` reads: only .git, since the source is the work tree. */
export const GIT_ONLY = ["*", "!.git"];
