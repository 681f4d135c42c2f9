// A directory of this machine handed to the module in client mode, as the CLI's defaultPath would hand it.
import { type Directory, dag } from "@dagger.io/dagger";
import { SOURCE_IGNORE } from "../../../src/dagger/source.js";

/** `dir` as the module's source, leaving out what the constructor's defaultPath leaves out. */
export function hostSource(dir: string): Directory {
  return dag.host().directory(dir, { exclude: SOURCE_IGNORE });
}

/** `dir` holding only `.git`, as `affected` and `ci --base` get it. */
export function hostGit(dir: string): Directory {
  return dag.host().directory(dir, { include: [".git"] });
}
