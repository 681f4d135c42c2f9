import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { AffectedError } from "./errors.js";
import { listDirectory, resolveCommit, showFile } from "./git.js";

/** An npm workspace package: its directory, its name and the names of everything it depends on. */
export interface WorkspacePackage {
  readonly dir: string;
  readonly name: string;
  readonly dependencies: readonly string[];
}

/** Where package.json files are read from: the working tree, or a commit. */
interface Tree {
  read(path: string): Promise<string | undefined>;
  list(dir: string): Promise<string[]>;
}

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] as const;

/** The workspace packages declared by the root package.json, at `ref` or (without one) in the working tree. */
export async function readWorkspaces(repoRoot: string, ref?: string): Promise<WorkspacePackage[]> {
  const tree = ref === undefined ? workingTree(repoRoot) : await commitTree(repoRoot, ref);
  const root = await readManifest(tree, "package.json");
  const patterns = workspacePatterns(root?.workspaces);
  const dirs = (await Promise.all(patterns.map((pattern) => expand(tree, pattern)))).flat();
  const manifests = await Promise.all(
    dirs.map(async (dir) => ({ dir, manifest: await readManifest(tree, `${dir}/package.json`) })),
  );
  return manifests.flatMap(({ dir, manifest }) =>
    manifest && typeof manifest.name === "string"
      ? [{ dir, name: manifest.name, dependencies: dependencyNames(manifest) }]
      : [],
  );
}

function workingTree(repoRoot: string): Tree {
  return {
    read: (path) => readFile(join(repoRoot, path), "utf8").catch(() => undefined),
    list: async (dir) => {
      const entries = await readdir(join(repoRoot, dir), { withFileTypes: true }).catch(() => []);
      return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    },
  };
}

async function commitTree(repoRoot: string, ref: string): Promise<Tree> {
  const commit = await resolveCommit(repoRoot, ref);
  return {
    read: (path) => showFile(repoRoot, commit, path),
    list: (dir) => listDirectory(repoRoot, commit, dir),
  };
}

type Manifest = Record<string, unknown>;

async function readManifest(tree: Tree, path: string): Promise<Manifest | undefined> {
  const text = await tree.read(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Manifest;
  } catch (error) {
    throw new AffectedError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

function workspacePatterns(workspaces: unknown): string[] {
  const list = Array.isArray(workspaces) ? workspaces : (workspaces as { packages?: unknown } | undefined)?.packages;
  return Array.isArray(list) ? list.filter((entry): entry is string => typeof entry === "string") : [];
}

/** Supports the patterns npm workspaces are usually written with: `dir` and `dir/*`. */
async function expand(tree: Tree, pattern: string): Promise<string[]> {
  const clean = pattern.replace(/^\.\//, "").replace(/\/+$/, "");
  if (!clean.includes("*")) return [clean];
  if (clean.endsWith("/*") && !clean.slice(0, -2).includes("*")) {
    const parent = clean.slice(0, -2);
    return (await tree.list(parent)).map((name) => `${parent}/${name}`);
  }
  throw new AffectedError(`workspace pattern "${pattern}" is not supported (use "dir" or "dir/*")`);
}

function dependencyNames(manifest: Manifest): string[] {
  const names = new Set<string>();
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest[field];
    if (deps && typeof deps === "object") for (const name of Object.keys(deps)) names.add(name);
  }
  return [...names];
}
