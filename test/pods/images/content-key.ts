// The content keys that tag the pod images: digests of everything an image is made from, so an unchanged tree is
// found in the registry instead of being built again.
import { createHash, type Hash } from "node:crypto";
import { readdir, readFile, readlink } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The code that decides what goes into the images: this directory and the node-service functions it replays. */
const BUILDER_SOURCES = [
  fileURLToPath(new URL("./", import.meta.url)),
  ...["commands", "lockfile", "workspaces", "labels", "build-context"].map((name) =>
    fileURLToPath(new URL(`../../../modules/node-service/src/${name}.ts`, import.meta.url)),
  ),
  fileURLToPath(new URL("../../../src/plan/plan.ts", import.meta.url)),
];

/** A short key (32 hex digits) of `parts` and of the builder's own source files. */
export async function contentKey(...parts: ReadonlyArray<string | Buffer>): Promise<string> {
  const hash = createHash("sha256");
  for (const source of BUILDER_SOURCES) await hashTree(hash, source, source);
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex").slice(0, 32);
}

/**
 * Adds each file under `path` (its path relative to `root`, then its bytes; a symlink's target) to `hash`, skipping
 * node_modules (the images install their own).
 */
export async function hashTree(hash: Hash, root: string, path: string): Promise<void> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => undefined);
  if (!entries) {
    hash.update(`${relative(root, path)}\0`).update(await readFile(path));
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(path, entry.name);
    if (entry.name === "node_modules") continue;
    if (entry.isDirectory()) await hashTree(hash, root, full);
    else if (entry.isSymbolicLink()) hash.update(`${relative(root, full)}\0->${await readlink(full)}\0`);
    else hash.update(`${relative(root, full)}\0`).update(await readFile(full));
  }
}
