// Throwaway clones of this repository for tests that change the source: what is committed, plus the change.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./dagger.js";

/** A clone of HEAD in a temporary directory, with .git, so `ci --base` can diff it; remove() deletes it. */
export function cloneRepository(): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "tier3-clone-"));
  execFileSync("git", ["clone", "--quiet", "--no-hardlinks", REPO_ROOT, dir]);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `content` to `path` inside the clone (creating or replacing the file). */
export function writeInClone(clone: { readonly dir: string }, path: string, content: string): void {
  writeFileSync(join(clone.dir, path), content);
}
