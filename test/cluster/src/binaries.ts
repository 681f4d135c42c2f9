import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { clusterSourceDir } from "./config.js";
import { ClusterError } from "./errors.js";
import { run } from "./exec.js";
import { formatDuration, type Logger } from "./log.js";

/** Paths of the built binaries. */
export interface Binaries {
  readonly dir: string;
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kubectl: string;
  readonly kwok: string;
}

/** The versions the wrapper modules pin. */
export interface Versions {
  readonly kubernetes: string;
  readonly etcd: string;
  readonly kwok: string;
  readonly go: string;
}

/** One binary of a set: what `go build` makes and how. */
export interface GoBinarySpec {
  /** File name in the set's `bin/`. */
  readonly name: string;
  /** Wrapper module under controlplane/, the directory `go build` runs in. */
  readonly module: string;
  readonly pkg: string;
  readonly ldflags: string;
  readonly tags?: readonly string[];
  /** Builds with CGO_ENABLED=1 (default 0: static, no C toolchain needed). */
  readonly cgo?: boolean;
}

/** A set of binaries cached together under one key. */
export interface BinarySet {
  /** Prefix of the progress lines, e.g. `binaries` or `node binaries`. */
  readonly label: string;
  /** What is being built, for the first progress line, e.g. `Kubernetes v1.37.2, etcd v3.6.16`. */
  readonly summary: string;
  /** `<cacheDir>/<key>`: the binaries go to `bin/`, the compiler output to `build.log`. */
  readonly keyDir: string;
  /** Slowest first, so the progress shown early says the most about the remaining time. */
  readonly specs: readonly GoBinarySpec[];
  /** Written to `bin/versions.json`. */
  readonly versions: Readonly<Record<string, string>>;
}

/** The wrapper modules' directory (test/cluster/controlplane). */
export const modulesDir = join(clusterSourceDir, "controlplane");

/** The control plane: which binary comes from which wrapper module. */
const controlPlaneSpecs: readonly { name: string; module: "kubernetes" | "etcd" | "kwok"; pkg: string }[] = [
  { name: "kube-apiserver", module: "kubernetes", pkg: "k8s.io/kubernetes/cmd/kube-apiserver" },
  { name: "kube-controller-manager", module: "kubernetes", pkg: "k8s.io/kubernetes/cmd/kube-controller-manager" },
  { name: "kube-scheduler", module: "kubernetes", pkg: "k8s.io/kubernetes/cmd/kube-scheduler" },
  { name: "kubectl", module: "kubernetes", pkg: "k8s.io/kubernetes/cmd/kubectl" },
  { name: "etcd", module: "etcd", pkg: "." },
  { name: "kwok", module: "kwok", pkg: "sigs.k8s.io/kwok/cmd/kwok" },
];

/** Options for {@link ensureBinaries}. */
export interface EnsureBinariesOptions {
  /** Root of the binary cache. */
  readonly cacheDir: string;
  readonly logger: Logger;
}

/** Returns the cached binaries for the pinned versions, building them first when the cache has none. */
export async function ensureBinaries(
  options: EnsureBinariesOptions,
): Promise<{ binaries: Binaries; versions: Versions; built: boolean }> {
  const versions = await readVersions();
  const key = await moduleCacheKey(["kubernetes", "etcd", "kwok"], versions.go, buildFlagsRevision);
  const keyDir = join(options.cacheDir, key);
  const built = await ensureBuilt(
    {
      label: "binaries",
      summary: `Kubernetes ${versions.kubernetes}, etcd ${versions.etcd}, kwok ${versions.kwok}`,
      keyDir,
      specs: controlPlaneBuildSpecs(versions),
      versions: { ...versions },
    },
    options.logger,
  );
  return { binaries: binaryPaths(join(keyDir, "bin")), versions, built };
}

/** Reads the pinned versions from the wrapper modules' go.mod files and the Go toolchain. */
export async function readVersions(): Promise<Versions> {
  const [kubernetes, etcd, kwok, go] = await Promise.all([
    requiredVersion("kubernetes", "k8s.io/kubernetes"),
    requiredVersion("etcd", "go.etcd.io/etcd/server/v3"),
    requiredVersion("kwok", "sigs.k8s.io/kwok"),
    goVersion(),
  ]);
  return { kubernetes, etcd, kwok, go };
}

/** The version of `path` that controlplane/<module>/go.mod requires. */
export async function requiredVersion(module: string, path: string): Promise<string> {
  const goMod = await readFile(join(modulesDir, module, "go.mod"), "utf8");
  const version = requiredVersionIn(goMod, path);
  if (!version) throw new ClusterError("prerequisite", `controlplane/${module}/go.mod does not require ${path}`);
  return version;
}

/** The version of module `path` in a go.mod text (a `require` line or a line of a `require` block). */
export function requiredVersionIn(goMod: string, path: string): string | undefined {
  return goMod.match(new RegExp(`^\\s*(?:require\\s+)?${path.replaceAll(".", "\\.")}\\s+(v\\S+)`, "m"))?.[1];
}

function binaryPaths(dir: string): Binaries {
  return {
    dir,
    etcd: join(dir, "etcd"),
    kubeApiserver: join(dir, "kube-apiserver"),
    kubeControllerManager: join(dir, "kube-controller-manager"),
    kubeScheduler: join(dir, "kube-scheduler"),
    kubectl: join(dir, "kubectl"),
    kwok: join(dir, "kwok"),
  };
}

/** `go1.26.8/linux/amd64`: part of every cache key. */
export async function goVersion(): Promise<string> {
  const output = await run("go", ["env", "GOVERSION", "GOOS", "GOARCH"]).catch((error: unknown) => {
    throw new ClusterError("prerequisite", "the Go toolchain (go 1.26 or newer) is needed to build the test cluster", {
      cause: error,
    });
  });
  return output.trim().split("\n").join("/");
}

/**
 * A cache key derived from everything that decides a set's binaries: the wrapper modules' files (go.mod, go.sum,
 * Go files), the Go toolchain and a build flags revision. The control plane's key is this over
 * kubernetes, etcd and kwok with {@link buildFlagsRevision}; keep the order of the updates, or every cache misses.
 */
export async function moduleCacheKey(modules: readonly string[], go: string, revision: string): Promise<string> {
  const hash = createHash("sha256").update(go).update(revision);
  for (const module of modules) {
    const dir = join(modulesDir, module);
    const files = (await readdir(dir)).filter((f) => f === "go.mod" || f === "go.sum" || f.endsWith(".go")).sort();
    for (const file of files) hash.update(`${module}/${file}\0`).update(await readFile(join(dir, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

/** Bump when the control plane's build command changes in a way that changes the binaries. */
const buildFlagsRevision = "1";

/** The -ldflags that make Kubernetes binaries report the version they were built from. */
export function kubernetesLdflags(version: string): string {
  const [, major, minor] = version.match(/^v(\d+)\.(\d+)\./) ?? [];
  if (!major || !minor)
    throw new ClusterError("prerequisite", `cannot read major and minor from Kubernetes ${version}`);
  const vars = { gitVersion: version, gitMajor: major, gitMinor: minor, gitTreeState: "clean" };
  const flags = ["-s", "-w"];
  for (const pkg of ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]) {
    for (const [name, value] of Object.entries(vars)) flags.push(`-X ${pkg}.${name}=${value}`);
  }
  return flags.join(" ");
}

/** How each control-plane binary is built: Kubernetes' binaries report the version they were built from. */
export function controlPlaneBuildSpecs(versions: Pick<Versions, "kubernetes">): GoBinarySpec[] {
  const kubernetes = kubernetesLdflags(versions.kubernetes);
  return controlPlaneSpecs.map((spec) => ({ ...spec, ldflags: spec.module === "kubernetes" ? kubernetes : "-s -w" }));
}

/**
 * The binaries of a set grouped into `go build` invocations: binaries that share a wrapper module, flags and cgo,
 * and are named after their package, are built by one command. Go then compiles and links them in parallel, which
 * on 2 cores saves minutes of a cold build over one command per binary.
 */
export function goBuildGroups(specs: readonly GoBinarySpec[]): GoBinarySpec[][] {
  const groups: GoBinarySpec[][] = [];
  for (const spec of specs) {
    const group = groups.find((candidate) => candidate[0] && buildsTogether(candidate[0], spec));
    if (group) group.push(spec);
    else groups.push([spec]);
  }
  return groups;
}

function buildsTogether(a: GoBinarySpec, b: GoBinarySpec): boolean {
  return (
    namedAfterPackage(a) &&
    namedAfterPackage(b) &&
    a.module === b.module &&
    a.ldflags === b.ldflags &&
    Boolean(a.cgo) === Boolean(b.cgo) &&
    (a.tags ?? []).join(",") === (b.tags ?? []).join(",")
  );
}

/** `go build -o <dir>/` names each binary after the last element of its package path. */
function namedAfterPackage(spec: GoBinarySpec): boolean {
  return spec.pkg.split("/").at(-1) === spec.name;
}

/** The `go build` arguments for one group of {@link goBuildGroups} (its first binary's module, flags and tags). */
export function goArgs(group: readonly GoBinarySpec[], outDir: string): string[] {
  const [first] = group;
  if (!first) throw new ClusterError("build", "an empty group of binaries to build");
  const output = group.length === 1 ? join(outDir, first.name) : `${outDir}/`;
  return [
    "build",
    "-mod=readonly",
    "-trimpath",
    "-buildvcs=false",
    ...(first.tags?.length ? [`-tags=${first.tags.join(",")}`] : []),
    `-ldflags=${first.ldflags}`,
    "-o",
    output,
    ...group.map((spec) => spec.pkg),
  ];
}

/** Builds the set into `<keyDir>/bin` unless every binary is there already; says whether it built. */
export async function ensureBuilt(set: BinarySet, logger: Logger): Promise<boolean> {
  const binDir = join(set.keyDir, "bin");
  if (set.specs.every((spec) => existsSync(join(binDir, spec.name)))) {
    logger.info(`${set.label}: cached in ${binDir}`);
    return false;
  }
  await buildAll(set, logger);
  return true;
}

async function buildAll(set: BinarySet, logger: Logger): Promise<void> {
  const { keyDir, label, specs } = set;
  const partial = join(keyDir, `bin.partial-${process.pid}`);
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const logFile = join(keyDir, "build.log");
  const started = Date.now();
  logger.info(
    `${label}: building ${set.summary} with ${set.versions.go}` +
      ` into ${keyDir} (a cold build takes many minutes on 2 cores; the log is ${logFile})`,
  );
  try {
    let done = 0;
    for (const group of goBuildGroups(specs)) {
      const names = group.map((spec) => spec.name).join(", ");
      const name = `${names} (${done + 1}${group.length > 1 ? `-${done + group.length}` : ""}/${specs.length})`;
      const began = Date.now();
      logger.info(`${label}: building ${name}`);
      const ticker = setInterval(
        () =>
          logger.info(
            `${label}: still building ${name}: ${formatDuration(Date.now() - began)} for it, ${formatDuration(Date.now() - started)} in all`,
          ),
        30_000,
      );
      try {
        await goBuild(group, partial, logFile);
      } finally {
        clearInterval(ticker);
      }
      logger.info(`${label}: built ${names} in ${formatDuration(Date.now() - began)}`);
      done += group.length;
    }
    await writeFile(
      join(partial, "versions.json"),
      `${JSON.stringify({ ...set.versions, builtAt: new Date().toISOString() }, null, 2)}\n`,
    );
    // Another run may have finished the same key meanwhile; its binaries are as good as ours.
    await rename(partial, join(keyDir, "bin")).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
      await rm(partial, { recursive: true, force: true });
    });
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  logger.info(`${label}: all built in ${formatDuration(Date.now() - started)}`);
}

async function goBuild(group: readonly GoBinarySpec[], outDir: string, logFile: string): Promise<void> {
  const [first] = group;
  if (!first) return;
  const log = createWriteStream(logFile, { flags: "a" });
  const args = goArgs(group, outDir);
  const cgo = first.cgo ? "1" : "0";
  log.write(`\n$ (cd controlplane/${first.module} && CGO_ENABLED=${cgo} nice -n 19 go ${args.join(" ")})\n`);
  const child = spawn("nice", ["-n", "19", "go", ...args], {
    cwd: join(modulesDir, first.module),
    env: { ...process.env, CGO_ENABLED: cgo },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  await new Promise<void>((resolve) => log.end(resolve));
  if (code !== 0) {
    const names = group.map((spec) => spec.name).join(", ");
    throw new ClusterError("build", `go build of ${names} failed (exit ${code}):\n${tail.trim()}`, { logFile });
  }
}
