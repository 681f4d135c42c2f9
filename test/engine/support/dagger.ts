// Client mode: the module's classes called through connection() on the tier-3 engine, with the engine's progress
// written to a log file per test file instead of the test output.
import { createWriteStream, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { connection, type Directory } from "@dagger.io/dagger";
import { inject } from "vitest";
import { hostGit as gitOf, hostSource as sourceOf } from "../src/host-source.js";

/** Repository root: the source every test hands to the module. */
export const REPO_ROOT = new URL("../../..", import.meta.url).pathname.replace(/\/$/, "");
const LOG_DIR = join(REPO_ROOT, ".tmp", "engine");

/** Runs `work` in one Dagger session on the tier-3 engine and returns what it returns. */
export async function withDagger<T>(testFile: string, work: () => Promise<T>): Promise<T> {
  Object.assign(process.env, inject("daggerClientEnv"));
  mkdirSync(LOG_DIR, { recursive: true });
  const log = createWriteStream(join(LOG_DIR, `${basename(testFile)}.log`), { flags: "a" });
  let result: T | undefined;
  try {
    await connection(
      async () => {
        result = await work();
      },
      { LogOutput: log },
    );
  } finally {
    log.end();
  }
  return result as T;
}

/** The module's source: this repository, or another directory (a clone) given. */
export function hostSource(dir: string = REPO_ROOT): Directory {
  return sourceOf(dir);
}

/** The `.git` holder of this repository or of another directory. */
export function hostGit(dir: string = REPO_ROOT): Directory {
  return gitOf(dir);
}
