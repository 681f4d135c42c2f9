// Engine-free: which files an npm monorepo needs before `npm ci`, and which local workspaces a workspace needs.
// Imported by the Dagger code of this module and of any module that embeds it; tested without an engine.

/** The parts of a package.json this builder reads. */
export interface PackageManifest {
  readonly name?: string;
  readonly version?: string;
  readonly workspaces?: readonly string[] | { readonly packages?: readonly string[] };
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

/** One workspace of the monorepo: its directory relative to the root and its manifest. */
export interface Workspace {
  readonly path: string;
  readonly manifest: PackageManifest;
}

/** npm's lockfile; with it `npm ci` installs exactly what was resolved. */
export const LOCKFILE = "package-lock.json";
/** Root files that change what `npm ci` installs, when they exist. */
export const OPTIONAL_INSTALL_FILES = [".npmrc"] as const;

/** The workspace globs of the root manifest (`"workspaces": [...]` or `{ "packages": [...] }`). */
export function workspacePatterns(root: PackageManifest): string[] {
  const declared = Array.isArray(root.workspaces)
    ? root.workspaces
    : ((root.workspaces as { packages?: readonly string[] } | undefined)?.packages ?? []);
  return declared.map((pattern) => pattern.replace(/\/+$/, ""));
}

/**
 * Every file `npm ci` reads, in a stable order: root manifest, lockfile, optional install settings that exist, and
 * the manifest of each workspace given: all of them for the whole monorepo, or only those of a build context (npm
 * installs what the lockfile says for the workspaces present and skips absent ones). Copying just these before the
 * sources keeps the dependency layer cached until one changes.
 */
export function installManifestPaths(workspacePaths: readonly string[], presentOptionalFiles: readonly string[] = []) {
  const optional = OPTIONAL_INSTALL_FILES.filter((file) => presentOptionalFiles.includes(file));
  const workspaces = [...new Set(workspacePaths.map(normalise))].sort().map((path) => `${path}/package.json`);
  return ["package.json", LOCKFILE, ...optional, ...workspaces];
}

/** The workspace directory a `<dir>/package.json` path (as a glob returns it) belongs to. */
export function workspaceDirOf(manifestPath: string): string {
  return normalise(manifestPath.replace(/(^|\/)package\.json$/, ""));
}

/**
 * The local workspaces `target` needs at run time, dependencies first and `target` last (the order to build them in).
 * Only `dependencies` and `optionalDependencies` count: dev dependencies are not in a production image.
 * Throws when `target` is not a workspace or when local dependencies form a cycle.
 */
export function runtimeWorkspaceOrder(workspaces: readonly Workspace[], target: string): string[] {
  const byName = new Map(workspaces.filter((w) => w.manifest.name).map((w) => [w.manifest.name as string, w]));
  const byPath = new Map(workspaces.map((w) => [normalise(w.path), w]));
  const start = byPath.get(normalise(target));
  if (!start) {
    const known = [...byPath.keys()].sort().join(", ") || "none";
    throw new Error(`${target} is not a workspace of this repository (workspaces: ${known})`);
  }
  const order: string[] = [];
  const visiting: string[] = [];
  const visit = (workspace: Workspace) => {
    const path = normalise(workspace.path);
    if (order.includes(path)) return;
    if (visiting.includes(path)) {
      throw new Error(`workspace dependency cycle: ${[...visiting.slice(visiting.indexOf(path)), path].join(" → ")}`);
    }
    visiting.push(path);
    const deps = { ...workspace.manifest.optionalDependencies, ...workspace.manifest.dependencies };
    for (const name of Object.keys(deps).sort()) {
      const local = byName.get(name);
      if (local) visit(local);
    }
    visiting.pop();
    order.push(path);
  };
  visit(start);
  return order;
}

/**
 * What of a built workspace stays out of the production image by default: sources, tests and build settings
 * (the image runs `dist/`), and `node_modules` (production dependencies come from their own install).
 */
export const DEFAULT_RUNTIME_EXCLUDE = [
  "node_modules",
  "src",
  "test",
  "tsconfig*.json",
  "*.tsbuildinfo",
  "vitest.config.*",
] as const;

function normalise(path: string): string {
  return path.replace(/^\.\//, "").replace(/\/+$/, "");
}
