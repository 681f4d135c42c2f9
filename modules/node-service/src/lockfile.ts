// Engine-free: which installed packages one workspace never loads, read from package-lock.json (v2/v3).
//
// `npm ci --omit=dev --workspace <w>` still installs what OTHER workspaces need at run time when those workspaces
// are dev dependencies of <w>: the lockfile never marks a workspace as dev. Walking the lockfile the way Node
// resolves modules, from the workspaces the image runs, finds what nothing in the image can load.

interface LockEntry {
  readonly version?: string;
  readonly link?: boolean;
  readonly resolved?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

/** The parts of package-lock.json this reads. */
export interface Lockfile {
  readonly lockfileVersion?: number;
  readonly packages?: Readonly<Record<string, LockEntry>>;
}

/**
 * The `node_modules` paths (relative to the root, outermost only) that none of `runtimeWorkspaces` can reach
 * through production dependencies; removing them leaves everything the image loads.
 */
export function unreachablePackages(lock: Lockfile, runtimeWorkspaces: readonly string[]): string[] {
  const packages = lock.packages;
  if (!packages || (lock.lockfileVersion ?? 0) < 2) {
    throw new Error("package-lock.json must be lockfileVersion 2 or 3 (npm 7 or later)");
  }
  const reached = new Set<string>();
  const visit = (location: string) => {
    if (reached.has(location)) return;
    reached.add(location);
    const entry = packages[location];
    if (!entry) return;
    if (entry.link && entry.resolved !== undefined) {
      visit(entry.resolved);
      return;
    }
    const names = Object.keys({ ...entry.peerDependencies, ...entry.optionalDependencies, ...entry.dependencies });
    for (const name of names) {
      const found = resolveFrom(packages, location, name);
      if (found !== undefined) visit(found);
    }
  };
  for (const workspace of runtimeWorkspaces) visit(workspace);
  // The workspaces' own links (node_modules/<name> → <workspace>) stay, so they can import themselves by name.
  for (const [path, entry] of Object.entries(packages)) {
    if (entry.link && entry.resolved !== undefined && reached.has(entry.resolved)) reached.add(path);
  }

  const unreachable = Object.keys(packages)
    .filter((path) => path.includes("node_modules/") && !reached.has(path))
    .sort();
  // Drop paths inside a directory that is removed anyway.
  return unreachable.filter((path) => !unreachable.some((outer) => path !== outer && path.startsWith(`${outer}/`)));
}

/** Where Node finds `name` from a package at `location`: its own node_modules, then each enclosing one. */
function resolveFrom(
  packages: Readonly<Record<string, LockEntry>>,
  location: string,
  name: string,
): string | undefined {
  let dir = location;
  for (;;) {
    const candidate = dir === "" ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (dir === "") return undefined;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut === -1 ? "" : dir.slice(0, cut);
  }
}

/** The version package-lock.json installs for the root's dependency `name` (`node_modules/<name>`). */
export function lockedVersion(lock: Lockfile, name: string): string {
  const version = lock.packages?.[`node_modules/${name}`]?.version;
  if (typeof version !== "string" || version === "") {
    throw new Error(`package-lock.json installs no ${name} at the root (node_modules/${name} has no version)`);
  }
  return version;
}
