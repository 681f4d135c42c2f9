import { changedFilesBetween, resolveCommit } from "./git.js";
import { readWorkspaces, type WorkspacePackage } from "./workspaces.js";

/** Files whose change affects how every service is built. */
export const GLOBAL_FILES: readonly string[] = [
  "package-lock.json",
  "package.json",
  "tsconfig.base.json",
  "pipeline.yaml",
];

/** What a service needs for this computation; a validated PipelineConfig fits. */
export interface AffectedConfig {
  readonly services: Readonly<Record<string, { readonly path: string; readonly calls: readonly string[] }>>;
}

export interface AffectedOptions {
  /** The repository to look at. */
  readonly repoRoot: string;
  /** The ref to compare with (the merge base of base and head is used, as in `git diff base...head`). */
  readonly base: string;
  /** The ref under test; without it, HEAD plus uncommitted and untracked files. */
  readonly head?: string;
  readonly config: AffectedConfig;
}

export interface AffectedServices {
  /** Services whose image must be rebuilt and whose own tests must run, sorted. */
  readonly build: string[];
  /** Services not rebuilt but calling a rebuilt (or retested) service, so they are integration-tested again, sorted. */
  readonly retest: string[];
  /** Why each service in build or retest is there. */
  readonly reasons: Record<string, string[]>;
  /** Changed files that matched no rule (neither a service, a workspace, a global file nor documentation). */
  readonly unclassified: string[];
}

const MAX_FILE_REASONS = 5;

/** Which services changed since `base`, following workspace dependencies, and which callers to retest. */
export async function affectedServices(options: AffectedOptions): Promise<AffectedServices> {
  const { repoRoot, base, head } = options;
  const [baseCommit, headCommit] = await Promise.all([
    resolveCommit(repoRoot, base),
    resolveCommit(repoRoot, head ?? "HEAD"),
  ]);
  const [files, workspaces] = await Promise.all([
    changedFilesBetween(repoRoot, { ref: base, commit: baseCommit }, { ref: head, commit: headCommit }),
    // Without head the working tree is what gets built, so its package.json files decide.
    readWorkspaces(repoRoot, head === undefined ? undefined : headCommit),
  ]);
  return computeAffected(files, workspaces, options.config);
}

/** The pure part of affectedServices: classifies changed files against services and workspace packages. */
export function computeAffected(
  files: readonly string[],
  workspaces: readonly WorkspacePackage[],
  config: AffectedConfig,
): AffectedServices {
  const services = Object.entries(config.services).map(([name, service]) => ({
    name,
    dir: trimSlashes(service.path),
    calls: service.calls,
  }));
  const serviceFiles = new Map<string, string[]>();
  const globalFiles: string[] = [];
  const packageFiles = new Map<string, string[]>();
  const unclassified: string[] = [];

  for (const file of files) {
    if (GLOBAL_FILES.includes(file)) {
      globalFiles.push(file);
      continue;
    }
    if (isDocumentation(file)) continue;
    let matched = false;
    for (const service of services) {
      if (isUnder(file, service.dir)) {
        push(serviceFiles, service.name, file);
        matched = true;
      }
    }
    // Any workspace (a shared package, or a service that another one imports) passes its change on to dependents.
    for (const workspace of workspaces) {
      if (isUnder(file, workspace.dir)) {
        push(packageFiles, workspace.name, file);
        matched = true;
      }
    }
    if (!matched) unclassified.push(file);
  }

  const reasons = new Map<string, string[]>();
  for (const service of services) {
    const own = serviceFiles.get(service.name) ?? [];
    const list = [
      ...globalFiles.map((file) => `${file} changed (affects every service)`),
      ...summarise(own),
      ...dependencyReasons(service.dir, workspaces, packageFiles),
    ];
    if (list.length > 0) reasons.set(service.name, list);
  }
  const build = [...reasons.keys()].sort();

  // Calls are runtime dependencies: a caller keeps its image but is integration-tested against the new callee.
  const retest: string[] = [];
  const queue = [...build];
  while (queue.length > 0) {
    const callee = queue.shift() as string;
    for (const caller of services) {
      if (!caller.calls.includes(callee) || build.includes(caller.name)) continue;
      const why = `calls ${callee}, which is ${build.includes(callee) ? "rebuilt" : "retested"}`;
      const list = reasons.get(caller.name);
      if (list) {
        if (!list.includes(why)) list.push(why);
        continue;
      }
      reasons.set(caller.name, [why]);
      retest.push(caller.name);
      queue.push(caller.name);
    }
  }
  retest.sort();

  const sortedReasons: Record<string, string[]> = {};
  for (const name of [...reasons.keys()].sort()) sortedReasons[name] = reasons.get(name) as string[];
  return { build, retest, reasons: sortedReasons, unclassified: unclassified.sort() };
}

/** One reason per changed workspace package the service's package depends on, directly or through others. */
function dependencyReasons(
  serviceDir: string,
  workspaces: readonly WorkspacePackage[],
  packageFiles: ReadonlyMap<string, string[]>,
): string[] {
  const byName = new Map(workspaces.map((w) => [w.name, w]));
  const own = workspaces.find((w) => w.dir === serviceDir);
  if (!own) return [];
  const reasons: string[] = [];
  // Breadth-first so each package is reached by its shortest chain, which is what the reason shows.
  const via = new Map<string, string[]>([[own.name, []]]);
  const queue = [own];
  while (queue.length > 0) {
    const current = queue.shift() as WorkspacePackage;
    const chain = via.get(current.name) ?? [];
    for (const dep of current.dependencies) {
      const target = byName.get(dep);
      if (!target || via.has(dep)) continue;
      via.set(dep, [...chain, dep]);
      queue.push(target);
      const files = packageFiles.get(dep);
      if (files) {
        const through = chain.length > 0 ? ` (through ${chain.join(" → ")})` : "";
        reasons.push(`depends on ${dep}${through} which changed: ${preview(files)}`);
      }
    }
  }
  return reasons;
}

function summarise(files: readonly string[]): string[] {
  const shown = files.slice(0, MAX_FILE_REASONS).map((file) => `${file} changed`);
  const rest = files.length - shown.length;
  return rest > 0 ? [...shown, `… and ${rest} more ${rest === 1 ? "file" : "files"} changed`] : shown;
}

function preview(files: readonly string[]): string {
  const [first] = files;
  return files.length > 1 ? `${first} and ${files.length - 1} more` : String(first);
}

/** Documentation never changes what a service builds or does: docs/** and Markdown at the repository root. */
function isDocumentation(file: string): boolean {
  return file.startsWith("docs/") || (!file.includes("/") && /\.(md|markdown)$/i.test(file)) || /^LICENSE/.test(file);
}

function isUnder(file: string, dir: string): boolean {
  return dir !== "" && file.startsWith(`${dir}/`);
}

function trimSlashes(path: string): string {
  return path.replace(/^\.\//, "").replace(/\/+$/, "");
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
