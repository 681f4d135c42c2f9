import { execFile, spawn } from "node:child_process";
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
  return changedFilesBetween(repoRoot, { ref: base, commit: baseCommit }, { ref: head, commit: headCommit });
}

/** changedFiles for refs already resolved; `head.ref` undefined means "HEAD plus the working tree". */
export async function changedFilesBetween(
  repoRoot: string,
  base: { ref: string; commit: string },
  head: { ref: string | undefined; commit: string },
): Promise<string[]> {
  let mergeBase: string;
  try {
    mergeBase = (await git(repoRoot, ["merge-base", base.commit, head.commit])).trim();
  } catch (error) {
    throw new AffectedError(
      `"${base.ref}" and "${head.ref ?? "HEAD"}" have no common ancestor in ${repoRoot} (a shallow clone needs more history)`,
      { cause: error },
    );
  }
  const diff = ["diff", "--name-only", "--no-renames", "-z", mergeBase];
  const lists = await Promise.all(
    head.ref === undefined
      ? [git(repoRoot, diff), git(repoRoot, ["ls-files", "--others", "--exclude-standard", "-z"])]
      : [git(repoRoot, [...diff, head.commit])],
  );
  const files = new Set(lists.flatMap((out) => out.split("\0")).filter((file) => file !== ""));
  return [...files].sort();
}

/** Every file path in a commit's tree. */
export async function listFiles(repoRoot: string, commit: string): Promise<string[]> {
  const out = await git(repoRoot, ["ls-tree", "-r", "-z", "--name-only", commit]);
  return out.split("\0").filter((entry) => entry !== "");
}

/** Texts of several files at a commit in one git process; a file missing there maps to undefined. */
export function readFilesAt(
  repoRoot: string,
  commit: string,
  paths: readonly string[],
): Promise<(string | undefined)[]> {
  if (paths.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], {
      cwd: repoRoot,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", (error) => reject(new AffectedError(`git cat-file failed in ${repoRoot}: ${error.message}`)));
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new AffectedError(`git cat-file --batch failed in ${repoRoot}: ${stderr.trim() || `exit ${code}`}`));
        return;
      }
      resolve(parseBatch(Buffer.concat(chunks), paths.length));
    });
    child.stdin.end(paths.map((path) => `${commit}:${path}\n`).join(""));
  });
}

/** Parses `git cat-file --batch` output: `<oid> <type> <size>\n<content>\n` or `<name> missing\n` per request. */
function parseBatch(out: Buffer, count: number): (string | undefined)[] {
  const texts: (string | undefined)[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const end = out.indexOf(0x0a, offset);
    const header = out.subarray(offset, end).toString();
    offset = end + 1;
    const match = /^\S+ (\S+) (\d+)$/.exec(header);
    if (!match) {
      texts.push(undefined);
      continue;
    }
    const size = Number(match[2]);
    texts.push(match[1] === "blob" ? out.subarray(offset, offset + size).toString("utf8") : undefined);
    offset += size + 1;
  }
  return texts;
}
