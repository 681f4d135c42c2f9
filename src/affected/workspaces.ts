import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { AffectedError } from "./errors.js";
import { listFiles, readFilesAt, resolveCommit } from "./git.js";

/** An npm workspace package: its directory, its name and the names of everything it depends on. */
export interface WorkspacePackage {
  readonly dir: string;
  readonly name: string;
  readonly dependencies: readonly string[];
}

/** Where package.json files are read from: the working tree, or a commit. */
interface Tree {
  /** Texts of files, undefined where one does not exist. */
  read(paths: readonly string[]): Promise<(string | undefined)[]>;
  /** Names of the subdirectories of `dir`. */
  list(dir: string): Promise<string[]>;
}

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] as const;

/** The workspace packages declared by the root package.json, at `ref` or (without one) in the working tree. */
export async function readWorkspaces(repoRoot: string, ref?: string): Promise<WorkspacePackage[]> {
  const tree = ref === undefined ? workingTree(repoRoot) : await commitTree(repoRoot, ref);
  const [root] = await readManifests(tree, ["package.json"]);
  const patterns = workspacePatterns(root?.workspaces);
  const dirs = (await Promise.all(patterns.map((pattern) => expand(tree, pattern)))).flat();
  const manifests = await readManifests(
    tree,
    dirs.map((dir) => `${dir}/package.json`),
  );
  return dirs.flatMap((dir, index) => {
    const manifest = manifests[index];
    return manifest && typeof manifest.name === "string"
      ? [{ dir, name: manifest.name, dependencies: dependencyNames(manifest) }]
      : [];
  });
}

function workingTree(repoRoot: string): Tree {
  return {
    read: (paths) => Promise.all(paths.map((path) => readFile(join(repoRoot, path), "utf8").catch(() => undefined))),
    list: async (dir) => {
      const entries = await readdir(join(repoRoot, dir), { withFileTypes: true }).catch(() => []);
      return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    },
  };
}

async function commitTree(repoRoot: string, ref: string): Promise<Tree> {
  const commit = /^[0-9a-f]{40,64}$/.test(ref) ? ref : await resolveCommit(repoRoot, ref);
  // One listing of the whole tree answers every directory question without another git process.
  const files = await listFiles(repoRoot, commit);
  return {
    read: (paths) => readFilesAt(repoRoot, commit, paths),
    list: async (dir) => {
      const names = new Set<string>();
      for (const file of files) {
        if (!file.startsWith(`${dir}/`)) continue;
        const rest = file.slice(dir.length + 1);
        const slash = rest.indexOf("/");
        if (slash > 0) names.add(rest.slice(0, slash));
      }
      return [...names].sort();
    },
  };
}

type Manifest = Record<string, unknown>;

async function readManifests(tree: Tree, paths: readonly string[]): Promise<(Manifest | undefined)[]> {
  const texts = await tree.read(paths);
  return texts.map((text, index) => {
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as Manifest;
    } catch (error) {
      throw new AffectedError(`${paths[index]} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  });
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
