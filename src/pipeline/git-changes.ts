// affected(): git runs in a container over the source and its .git; what it prints goes to the pure rules.
import { type Directory, dag, ExecError } from "@dagger.io/dagger";
import { AffectedError, type AffectedServices } from "../affected/index.js";
import { affectedByChanges, CHANGED_FILES_SCRIPT, checkBaseRef, parseChangedFiles } from "./affected.js";
import type { Delivery } from "./context.js";

const WORK_TREE = "/repo";
const GIT_HOLDER = "/git";

/**
 * Paths changed since the merge base of `base` and HEAD, working-tree changes included: git in
 * `node:<version>-bookworm` (the full image ships git), with `source` as the work tree and `git` holding `.git`.
 */
export async function changedFilesSince(delivery: Delivery, git: Directory, base: string): Promise<string[]> {
  checkBaseRef(base);
  const run = dag
    .container()
    .from(`node:${delivery.settings.nodeVersion}-bookworm`)
    .withMountedDirectory(WORK_TREE, delivery.settings.source)
    .withMountedDirectory(GIT_HOLDER, git)
    .withWorkdir(WORK_TREE)
    .withEnvVariable("GIT_DIR", `${GIT_HOLDER}/.git`)
    .withEnvVariable("GIT_WORK_TREE", WORK_TREE)
    .withEnvVariable("GIT_OPTIONAL_LOCKS", "0")
    // Mounted files belong to whoever the engine says; git would refuse a repository it thinks is someone else's.
    .withEnvVariable("GIT_CONFIG_COUNT", "1")
    .withEnvVariable("GIT_CONFIG_KEY_0", "safe.directory")
    .withEnvVariable("GIT_CONFIG_VALUE_0", "*")
    .withExec(["sh", "-c", CHANGED_FILES_SCRIPT, "changed-files", base]);
  try {
    return parseChangedFiles(await run.stdout());
  } catch (error) {
    if (!(error instanceof ExecError)) throw error;
    const line = error.stderr.trim().split("\n").pop() || `git exited with code ${error.exitCode}`;
    throw new AffectedError(`affected since "${base}": ${line}`, { cause: error });
  }
}

/** Which services changed since `base`, following workspace dependencies, and which callers to retest. */
export async function affectedSince(delivery: Delivery, git: Directory, base: string): Promise<AffectedServices> {
  const files = await changedFilesSince(delivery, git, base);
  return affectedByChanges(files, delivery.plans, delivery.workspaces);
}
