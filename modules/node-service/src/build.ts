// The Dagger half of the builder: plain functions over the core API, shared by this module's object and by any
// module that imports this file directly (module dependencies would need generated bindings).
import { type CacheVolume, type Container, type Directory, dag, type File } from "@dagger.io/dagger";
import type { BuildContext } from "./build-context.js";
import {
  buildCommand,
  INSTALL_COMMAND,
  productionInstallCommand,
  testCommand,
  toolInstallCommand,
} from "./commands.js";
import { healthcheckCommand, type ImageMetadata, imageLabels } from "./labels.js";
import { type Lockfile, lockedVersion, unreachablePackages } from "./lockfile.js";
import {
  DEFAULT_RUNTIME_EXCLUDE,
  installManifestPaths,
  LOCKFILE,
  OPTIONAL_INSTALL_FILES,
  type PackageManifest,
  type Workspace,
  workspaceDirOf,
  workspacePatterns,
} from "./workspaces.js";

/** Where the monorepo lives inside every container. */
export const APP_DIR = "/app";
/** npm's download cache inside the build containers. */
const NPM_CACHE_DIR = "/root/.npm";
/** Never copied from the source: dependencies come from `npm ci` in the container. */
const SOURCE_EXCLUDE = ["**/node_modules"];

/** The tools every stage starts from. */
export interface NodeToolchain {
  /** Base image of every stage, e.g. `node:24-bookworm-slim`. */
  readonly image: string;
  /** Cache volume for npm's download cache (never part of an image). */
  readonly npmCache: CacheVolume;
  /** Extra CA certificates (PEM) for reaching the registry through a TLS-inspecting proxy; build stages only. */
  readonly caCertificates?: File;
}

/** The Debian slim image of a Node major version: `node:<version>-bookworm-slim`. */
export function nodeImage(nodeVersion: string): string {
  return `node:${nodeVersion}-bookworm-slim`;
}

/** A toolchain from a Node version and a cache volume name (`npm-cache` unless overridden). */
export function nodeToolchain(nodeVersion: string, npmCacheName = "npm-cache", caCertificates?: File): NodeToolchain {
  return { image: nodeImage(nodeVersion), npmCache: dag.cacheVolume(npmCacheName), caCertificates };
}

/** The root manifest and every workspace manifest, read from the source directory in parallel. */
export async function readWorkspaces(source: Directory): Promise<{ root: PackageManifest; workspaces: Workspace[] }> {
  const root = JSON.parse(await source.file("package.json").contents()) as PackageManifest;
  const found = await Promise.all(workspacePatterns(root).map((pattern) => source.glob(`${pattern}/package.json`)));
  const dirs = [...new Set(found.flat().map(workspaceDirOf))].sort();
  const manifests = await Promise.all(dirs.map((dir) => source.file(`${dir}/package.json`).contents()));
  return { root, workspaces: dirs.map((path, i) => ({ path, manifest: JSON.parse(manifests[i] as string) })) };
}

/** package-lock.json, parsed. */
export async function readLockfile(source: Directory): Promise<Lockfile> {
  return JSON.parse(await source.file(LOCKFILE).contents()) as Lockfile;
}

/** The files `npm ci` needs (see installManifestPaths), checking which optional ones the source has. */
export async function installFiles(source: Directory, workspaces: readonly Workspace[]): Promise<string[]> {
  const optional = await Promise.all(OPTIONAL_INSTALL_FILES.map(async (f) => ((await source.exists(f)) ? f : "")));
  return installManifestPaths(
    workspaces.map((w) => w.path),
    optional.filter((f) => f !== ""),
  );
}

/** A build stage: the base image, the npm cache mounted, and the CA bundle if one was given. */
export function buildStage(toolchain: NodeToolchain): Container {
  const base = dag
    .container()
    .from(toolchain.image)
    .withWorkdir(APP_DIR)
    .withEnvVariable("npm_config_update_notifier", "false")
    .withMountedCache(NPM_CACHE_DIR, toolchain.npmCache);
  if (!toolchain.caCertificates) return base;
  return base
    .withMountedFile("/etc/ssl/certs/extra-ca.pem", toolchain.caCertificates)
    .withEnvVariable("NODE_EXTRA_CA_CERTS", "/etc/ssl/certs/extra-ca.pem");
}

/**
 * Every dependency installed from the manifests alone (`npm ci`), then `source` on top (the whole monorepo, or a
 * build context from contextSource): the install layer is reused until a manifest or the lockfile changes.
 */
export function devContainer(source: Directory, manifests: readonly string[], toolchain: NodeToolchain): Container {
  return withSource(dependencyLayer(source, manifests, toolchain), source);
}

/**
 * `npm ci` over the manifests alone. The manifests are filtered out of the source first, so the install's inputs
 * are those files' contents: every container built on this layer (tests of each workspace, typecheck) shares one
 * install until a manifest or the lockfile changes.
 */
export function dependencyLayer(source: Directory, manifests: readonly string[], toolchain: NodeToolchain): Container {
  return buildStage(toolchain)
    .withDirectory(APP_DIR, source.filter({ include: [...manifests] }))
    .withExec([...INSTALL_COMMAND]);
}

/**
 * A build stage with only `packages` installed in APP_DIR, each at the version the lockfile pins for the root, and
 * no source yet: for a tool that needs no dependency tree (a linter, a script runner), so a change to the monorepo's
 * manifests or sources never reinstalls it. The caller copies the source on top.
 */
export function toolContainer(toolchain: NodeToolchain, lockfile: Lockfile, packages: readonly string[]): Container {
  const pinned = packages.map((name) => `${name}@${lockedVersion(lockfile, name)}`);
  return buildStage(toolchain).withExec(toolInstallCommand(pinned));
}

/** `source` (without node_modules) copied into APP_DIR of `container`. */
export function withSource(container: Container, source: Directory): Container {
  return container.withDirectory(APP_DIR, source, { exclude: SOURCE_EXCLUDE });
}

/** Only the paths of the source that the build context includes (see buildContext), without `node_modules`. */
export function contextSource(source: Directory, context: BuildContext): Directory {
  return source.filter({ include: [...context.include], exclude: SOURCE_EXCLUDE });
}

/**
 * One workspace compiled, seeing only its build context: its dependencies installed from the context's manifests,
 * then each workspace of the context's order built, dependencies first. A change outside the context (another
 * workspace, docs, tests at the root) leaves every layer of it cached.
 */
export function compiledWorkspace(source: Directory, context: BuildContext, toolchain: NodeToolchain): Container {
  const dev = devContainer(contextSource(source, context), context.manifests, toolchain);
  return context.order.reduce((container, workspace) => container.withExec(buildCommand(workspace)), dev);
}

/** What a production image of one workspace is made of. */
export interface ProductionImageOptions {
  /** The workspace to run, e.g. `apps/web`. */
  readonly workspace: string;
  /** What its build reads (see buildContext), local dependencies first and the workspace last. */
  readonly context: BuildContext;
  /** Script run by `node`, relative to the workspace, e.g. `dist/server.js`. */
  readonly entrypoint: string;
  readonly metadata: ImageMetadata;
  /** Paths of each workspace left out of the image (default DEFAULT_RUNTIME_EXCLUDE). */
  readonly runtimeExclude?: readonly string[];
  /** The lockfile: packages no workspace of the context can load are left out of the image (see unreachablePackages). */
  readonly lockfile?: Lockfile;
  /** Non-secret environment baked into the image. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The production image of one workspace: compiled from its build context alone (see compiledWorkspace), production
 * dependencies installed for that workspace alone from the context's manifests, then a final stage on the same base
 * with only `node_modules`, the manifests and each needed workspace's build output; runs as the unprivileged `node`
 * user. With the lockfile given, packages that only other workspaces load (e.g. through a workspace that is a dev
 * dependency) are removed as well.
 */
export function productionImage(
  source: Directory,
  toolchain: NodeToolchain,
  options: ProductionImageOptions,
): Container {
  const { context } = options;
  const built = compiledWorkspace(source, context, toolchain);
  const productionDeps = buildStage(toolchain)
    .withDirectory(APP_DIR, source.filter({ include: [...context.manifests] }))
    .withExec(productionInstallCommand(options.workspace));
  const unreachable = options.lockfile ? unreachablePackages(options.lockfile, context.order) : [];
  const runtimeDeps =
    unreachable.length > 0 ? productionDeps.withExec(["rm", "-rf", "--", ...unreachable]) : productionDeps;
  const exclude = [...(options.runtimeExclude ?? DEFAULT_RUNTIME_EXCLUDE)];
  const { port, healthPath } = options.metadata;

  let image = dag
    .container()
    .from(toolchain.image)
    .withWorkdir(APP_DIR)
    .withDirectory(APP_DIR, runtimeDeps.directory(APP_DIR));
  for (const workspace of context.order) {
    image = image.withDirectory(`${APP_DIR}/${workspace}`, built.directory(`${APP_DIR}/${workspace}`), { exclude });
  }
  for (const [name, value] of Object.entries(imageLabels(options.metadata))) image = image.withLabel(name, value);
  for (const [name, value] of Object.entries(options.env ?? {})) image = image.withEnvVariable(name, value);
  return image
    .withEnvVariable("NODE_ENV", "production")
    .withEnvVariable("HOST", "0.0.0.0")
    .withEnvVariable("PORT", String(port))
    .withExposedPort(port, { description: `${options.metadata.title} HTTP` })
    .withDockerHealthcheck(healthcheckCommand(port, healthPath), {
      interval: "10s",
      timeout: "3s",
      startPeriod: "15s",
      // Probed every second while starting: a Dagger service's start (and Docker 25+) waits for the first passing
      // probe, so with only the 10 s interval every service took 10 s to start.
      startInterval: "1s",
      retries: 3,
    })
    .withUser("node")
    .withEntrypoint(["node", `${options.workspace}/${options.entrypoint}`]);
}

/** Runs the workspace's `npm test` in the development container; awaiting `stdout()` runs it. */
export function testWorkspace(dev: Container, workspace: string): Container {
  return dev.withEnvVariable("CI", "true").withExec(testCommand(workspace));
}

/** The metadata of a workspace's image from its manifest, with the caller's revision and source URL. */
export function workspaceMetadata(
  workspace: Workspace,
  port: number,
  healthPath: string,
  provenance: { readonly revision?: string; readonly source?: string } = {},
): ImageMetadata {
  return {
    title: workspace.manifest.name ?? workspace.path,
    version: workspace.manifest.version ?? "0.0.0",
    port,
    healthPath,
    ...(provenance.revision ? { revision: provenance.revision } : {}),
    ...(provenance.source ? { source: provenance.source } : {}),
  };
}
