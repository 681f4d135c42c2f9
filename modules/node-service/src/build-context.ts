// Engine-free: which paths of the monorepo the build of one workspace reads. Copying only these into the build
// keeps its layers cached while other workspaces, docs or tests change.
import { installManifestPaths, LOCKFILE, OPTIONAL_INSTALL_FILES } from "./workspaces.js";

/** Root files a workspace's build reads besides the manifests when the caller names none: shared TypeScript settings. */
export const DEFAULT_BUILD_FILES = ["tsconfig*.json"] as const;

/** What the build of one workspace sees of the monorepo. */
export interface BuildContext {
  /** The workspace and the local workspaces it needs at run time, dependencies first (see runtimeWorkspaceOrder). */
  readonly order: readonly string[];
  /** What `npm ci` reads: root manifest, lockfile, install settings, and the package.json of each workspace in `order`. */
  readonly manifests: readonly string[];
  /** Include patterns (`Directory.filter`): the manifests, the root build files, and each directory of `order`. */
  readonly include: readonly string[];
}

/**
 * The build context of the workspace that ends `order` (from runtimeWorkspaceOrder, so local dependencies are in it
 * transitively): other workspaces are left out entirely, since `npm ci` installs from the lockfile what the
 * workspaces present need and does not ask for the absent ones. Everything in `include` is a pattern, so a root
 * file the repository lacks (`.npmrc`, a build file) matches nothing instead of failing.
 */
export function buildContext(
  order: readonly string[],
  buildFiles: readonly string[] = DEFAULT_BUILD_FILES,
): BuildContext {
  if (order.length === 0) throw new Error("a build context needs at least the workspace being built");
  const rootFiles = ["package.json", LOCKFILE, ...OPTIONAL_INSTALL_FILES, ...buildFiles];
  return {
    order,
    manifests: installManifestPaths(order, OPTIONAL_INSTALL_FILES),
    include: [...new Set([...rootFiles, ...order.map((workspace) => `${workspace}/`)])],
  };
}
