// Client mode: the module's classes called through connection() on the tier-3 engine, with the engine's progress
// written to a log file per test file instead of the test output.
import { createWriteStream, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { connection, type Directory, dag } from "@dagger.io/dagger";
import { inject } from "vitest";
import { SOURCE_IGNORE } from "../../../src/dagger/source.js";

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

/** A directory of this machine as the module's source, leaving out what the CLI's defaultPath leaves out. */
export function hostSource(dir: string = REPO_ROOT): Directory {
  return dag.host().directory(dir, { exclude: SOURCE_IGNORE });
}

/** A directory holding only `.git`, as the CLI's defaultPath gives `affected` and `ci --base`. */
export function hostGit(dir: string = REPO_ROOT): Directory {
  return dag.host().directory(dir, { include: [".git"] });
}
