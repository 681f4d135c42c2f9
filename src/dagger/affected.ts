// affected(): the pipeline CLI's own `affected` (src/affected: git diff and rules, the one implementation the local
// `npm run pipeline -- affected` runs too) run in a container over the source and its .git.
import { type Container, type Directory, ExecError } from "@dagger.io/dagger";
import { APP_DIR, toolContainer, withSource } from "../../modules/node-service/src/lib.js";
import { AffectedError, type AffectedServices, parseAffectedReport } from "../affected/index.js";
import type { Delivery } from "./context.js";

/** The pipeline CLI as this container runs it, from the repository root. */
const AFFECTED_COMMAND = ["node_modules/.bin/tsx", "src/cli/pipeline.ts", "affected"] as const;
/** What the pipeline CLI loads: tsx to run it, yaml and zod for pipeline.yaml; nothing else of the dependency tree. */
const AFFECTED_TOOLS = ["tsx", "yaml", "zod"] as const;
const GIT_HOLDER = "/git";

/**
 * Node with git (`node:<version>-bookworm`; the slim image has none), only AFFECTED_TOOLS installed at the
 * lockfile's versions, the source as git's work tree and `git` holding `.git`.
 */
export function affectedContainer(delivery: Delivery, git: Directory): Container {
  const toolchain = { ...delivery.toolchain, image: `node:${delivery.settings.nodeVersion}-bookworm` };
  return (
    withSource(toolContainer(toolchain, delivery.lockfile, AFFECTED_TOOLS), delivery.settings.source)
      .withMountedDirectory(GIT_HOLDER, git)
      .withEnvVariable("GIT_DIR", `${GIT_HOLDER}/.git`)
      .withEnvVariable("GIT_WORK_TREE", APP_DIR)
      // Mounted files belong to whoever the engine says; git would refuse a repository it thinks is someone else's.
      .withEnvVariable("GIT_CONFIG_COUNT", "1")
      .withEnvVariable("GIT_CONFIG_KEY_0", "safe.directory")
      .withEnvVariable("GIT_CONFIG_VALUE_0", "*")
  );
}

/** Which services changed since `base` (working-tree changes included), following workspace dependencies. */
export async function affectedSince(delivery: Delivery, git: Directory, base: string): Promise<AffectedServices> {
  if (!(await git.exists(".git"))) {
    throw new AffectedError(
      "no .git directory in the repository: affected needs its git history (a clone, not an export or a worktree)",
    );
  }
  // One argv element: the ref never meets a shell, and `--base=-x` is still the value of --base.
  const run = affectedContainer(delivery, git).withExec([...AFFECTED_COMMAND, `--base=${base}`]);
  try {
    return parseAffectedReport(await run.stdout());
  } catch (error) {
    if (!(error instanceof ExecError)) throw error;
    const line = error.stderr.trim().split("\n")[0] || `pipeline affected exited with code ${error.exitCode}`;
    throw new AffectedError(`affected since "${base}": ${line}`, { cause: error });
  }
}
