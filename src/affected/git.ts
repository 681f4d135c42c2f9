import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { AffectedError, GitRefError } from "./errors.js";

const execFileAsync = promisify(execFile);

/** Runs git in `repoRoot` without a shell; never takes optional locks, so it does not compete with other git users. */
export async function git(repoRoot: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync("git", args, {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" },
    });
    return stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    throw new AffectedError(`git ${args.join(" ")} failed in ${repoRoot}: ${stderr || (error as Error).message}`, {
      cause: error,
    });
  }
}

/** The commit a ref names, or a GitRefError that names the ref. */
export async function resolveCommit(repoRoot: string, ref: string): Promise<string> {
  // A ref starting with "-" would be read as an option.
  if (ref === "" || ref.startsWith("-")) throw new GitRefError(ref, repoRoot, "not a valid ref name");
  try {
    return (await git(repoRoot, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim();
  } catch {
    const shallow = await git(repoRoot, ["rev-parse", "--is-shallow-repository"]).catch(() => "");
    const hint = shallow.trim() === "true" ? " (this is a shallow clone: fetch more history, e.g. fetch-depth: 0)" : "";
    throw new GitRefError(ref, repoRoot, `no such commit${hint}`);
  }
}

/**
 * Paths changed between the merge base of `base` and `head` and `head`; without `head`, between the merge base and
 * the working tree, untracked files included. Renames count as a deletion plus an addition.
 */
export async function changedFiles(repoRoot: string, base: string, head?: string): Promise<string[]> {
  const [baseCommit, headCommit] = await Promise.all([
    resolveCommit(repoRoot, base),
    resolveCommit(repoRoot, head ?? "HEAD"),
  ]);
  let mergeBase: string;
  try {
    mergeBase = (await git(repoRoot, ["merge-base", baseCommit, headCommit])).trim();
  } catch (error) {
    throw new AffectedError(
      `"${base}" and "${head ?? "HEAD"}" have no common ancestor in ${repoRoot} (a shallow clone needs more history)`,
      { cause: error },
    );
  }
  const diff = ["diff", "--name-only", "--no-renames", "-z", mergeBase];
  const lists = await Promise.all(
    head === undefined
      ? [git(repoRoot, diff), git(repoRoot, ["ls-files", "--others", "--exclude-standard", "-z"])]
      : [git(repoRoot, [...diff, headCommit])],
  );
  const files = new Set(lists.flatMap((out) => out.split("\0")).filter((file) => file !== ""));
  return [...files].sort();
}

/** Reads a file's text at a commit, or undefined when it does not exist there. */
export async function showFile(repoRoot: string, commit: string, path: string): Promise<string | undefined> {
  try {
    return await git(repoRoot, ["show", `${commit}:${path}`]);
  } catch {
    return undefined;
  }
}

/** Names of the subdirectories of a directory at a commit. */
export async function listDirectory(repoRoot: string, commit: string, dir: string): Promise<string[]> {
  const out = await git(repoRoot, ["ls-tree", "-d", "-z", "--name-only", commit, `${dir}/`]);
  return out
    .split("\0")
    .filter((entry) => entry !== "")
    .map((entry) => entry.slice(dir.length + 1));
}
