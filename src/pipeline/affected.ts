// Engine-free: the git half of `affected` as a shell script for a container, and the changed files it prints turned
// into affected services by src/affected (which owns the rules: shared packages, lockfile, callers).
import type { Workspace } from "../../modules/node-service/src/workspaces.js";
import { type AffectedServices, computeAffected, type WorkspacePackage } from "../affected/index.js";
import type { ServicePlan } from "./plan.js";

/**
 * Prints, NUL-separated, every path changed between the merge base of `$1` and HEAD and the working tree, untracked
 * files included: what `changedFiles(repo, base)` of src/affected lists. Expects GIT_DIR and GIT_WORK_TREE; the ref
 * comes in as `$1` so that it never meets the shell's parser. Exit code 3 with one line on stderr when it cannot.
 */
export const CHANGED_FILES_SCRIPT = `set -eu
if [ ! -d "$GIT_DIR" ]; then
  echo "no .git directory in the repository: affected needs its git history (a clone, not an export or a worktree)" >&2
  exit 3
fi
if ! base=$(git rev-parse --verify --quiet "$1^{commit}"); then
  hint=""
  if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
    hint=" (this is a shallow clone: fetch more history, e.g. fetch-depth: 0)"
  fi
  echo "unknown git ref \\"$1\\": no such commit$hint" >&2
  exit 3
fi
if ! merge_base=$(git merge-base "$base" HEAD); then
  echo "\\"$1\\" and HEAD have no common ancestor (a shallow clone needs more history)" >&2
  exit 3
fi
git diff --name-only --no-renames -z "$merge_base"
git ls-files --others --exclude-standard -z
`;

/** Throws unless `base` can name a commit: not empty, and not starting with "-" (git would read an option). */
export function checkBaseRef(base: string): string {
  if (base.trim() === "" || base.startsWith("-") || /\s/.test(base)) {
    throw new Error(`--base "${base}" is not a git ref: give a branch, tag or commit such as origin/main`);
  }
  return base;
}

/** The paths CHANGED_FILES_SCRIPT printed: sorted, each once. */
export function parseChangedFiles(stdout: string): string[] {
  return [...new Set(stdout.split("\0").filter((path) => path !== ""))].sort();
}

/** The services `files` affect, by src/affected's rules, for the plans and workspaces read from the source. */
export function affectedByChanges(
  files: readonly string[],
  plans: readonly ServicePlan[],
  workspaces: readonly Workspace[],
): AffectedServices {
  const services = Object.fromEntries(plans.map((plan) => [plan.name, { path: plan.workspace, calls: plan.calls }]));
  return computeAffected(files, workspaces.flatMap(workspacePackage), { services });
}

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] as const;

// src/affected counts every dependency field: a dev dependency's change can break the dependent's tests.
function workspacePackage({ path, manifest }: Workspace): WorkspacePackage[] {
  if (!manifest.name) return [];
  const names = DEPENDENCY_FIELDS.flatMap((field) => Object.keys(manifest[field] ?? {}));
  return [{ dir: path, name: manifest.name, dependencies: [...new Set(names)] }];
}
