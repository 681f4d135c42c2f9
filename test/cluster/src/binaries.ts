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

interface BinarySpec {
  readonly name: string;
  /** Wrapper module under controlplane/. */
  readonly module: "kubernetes" | "etcd" | "kwok";
  readonly pkg: string;
}

const modulesDir = join(clusterSourceDir, "controlplane");

// Slowest first, so the progress shown early says the most about the remaining time.
const specs: readonly BinarySpec[] = [
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
  const key = await cacheKey(versions.go);
  const keyDir = join(options.cacheDir, key);
  const binDir = join(keyDir, "bin");
  const binaries = binaryPaths(binDir);
  if (specs.every((spec) => existsSync(join(binDir, spec.name)))) {
    options.logger.info(`binaries: cached in ${binDir}`);
    return { binaries, versions, built: false };
  }
  await buildAll(keyDir, versions, options.logger);
  return { binaries, versions, built: true };
}

/** Reads the pinned versions from the wrapper modules' go.mod files and the Go toolchain. */
export async function readVersions(): Promise<Versions> {
  const required = async (module: string, path: string) => {
    const goMod = await readFile(join(modulesDir, module, "go.mod"), "utf8");
    const match = goMod.match(new RegExp(`^\\s*(?:require\\s+)?${path.replaceAll(".", "\\.")}\\s+(v\\S+)`, "m"));
    if (!match?.[1]) throw new ClusterError("prerequisite", `controlplane/${module}/go.mod does not require ${path}`);
    return match[1];
  };
  const [kubernetes, etcd, kwok, go] = await Promise.all([
    required("kubernetes", "k8s.io/kubernetes"),
    required("etcd", "go.etcd.io/etcd/server/v3"),
    required("kwok", "sigs.k8s.io/kwok"),
    goVersion(),
  ]);
  return { kubernetes, etcd, kwok, go };
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

async function goVersion(): Promise<string> {
  const output = await run("go", ["env", "GOVERSION", "GOOS", "GOARCH"]).catch((error: unknown) => {
    throw new ClusterError("prerequisite", "the Go toolchain (go 1.26 or newer) is needed to build the test cluster", {
      cause: error,
    });
  });
  return output.trim().split("\n").join("/");
}

/** Derived from everything that decides the binaries: module files, build flags and the Go toolchain. */
async function cacheKey(go: string): Promise<string> {
  const hash = createHash("sha256").update(go).update(buildFlagsRevision);
  for (const module of ["kubernetes", "etcd", "kwok"]) {
    const dir = join(modulesDir, module);
    const files = (await readdir(dir)).filter((f) => f === "go.mod" || f === "go.sum" || f.endsWith(".go")).sort();
    for (const file of files) hash.update(`${module}/${file}\0`).update(await readFile(join(dir, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

/** Bump when the build command changes in a way that changes the binaries. */
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

/** The `go build` arguments for one binary (run in its wrapper module, under `nice -n 19`). */
export function goBuildArgs(
  spec: { name: string; module: string; pkg: string },
  outDir: string,
  versions: Versions,
): string[] {
  const ldflags = spec.module === "kubernetes" ? kubernetesLdflags(versions.kubernetes) : "-s -w";
  return [
    "build",
    "-mod=readonly",
    "-trimpath",
    "-buildvcs=false",
    `-ldflags=${ldflags}`,
    "-o",
    join(outDir, spec.name),
    spec.pkg,
  ];
}

async function buildAll(keyDir: string, versions: Versions, logger: Logger): Promise<void> {
  const partial = join(keyDir, `bin.partial-${process.pid}`);
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const logFile = join(keyDir, "build.log");
  const started = Date.now();
  logger.info(
    `binaries: building Kubernetes ${versions.kubernetes}, etcd ${versions.etcd}, kwok ${versions.kwok} with ${versions.go}` +
      ` into ${keyDir} (a cold build takes many minutes on 2 cores; the log is ${logFile})`,
  );
  try {
    for (const [index, spec] of specs.entries()) {
      const label = `${spec.name} (${index + 1}/${specs.length})`;
      const began = Date.now();
      logger.info(`binaries: building ${label}`);
      const ticker = setInterval(
        () =>
          logger.info(
            `binaries: still building ${label}: ${formatDuration(Date.now() - began)} for it, ${formatDuration(Date.now() - started)} in all`,
          ),
        30_000,
      );
      try {
        await goBuild(spec, partial, versions, logFile);
      } finally {
        clearInterval(ticker);
      }
      logger.info(`binaries: built ${spec.name} in ${formatDuration(Date.now() - began)}`);
    }
    await writeFile(
      join(partial, "versions.json"),
      `${JSON.stringify({ ...versions, builtAt: new Date().toISOString() }, null, 2)}\n`,
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
  logger.info(`binaries: all built in ${formatDuration(Date.now() - started)}`);
}

async function goBuild(spec: BinarySpec, outDir: string, versions: Versions, logFile: string): Promise<void> {
  const log = createWriteStream(logFile, { flags: "a" });
  const args = goBuildArgs(spec, outDir, versions);
  log.write(`\n$ (cd controlplane/${spec.module} && CGO_ENABLED=0 nice -n 19 go ${args.join(" ")})\n`);
  const child = spawn("nice", ["-n", "19", "go", ...args], {
    cwd: join(modulesDir, spec.module),
    env: { ...process.env, CGO_ENABLED: "0" },
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
    throw new ClusterError("build", `go build of ${spec.name} failed (exit ${code}):\n${tail.trim()}`, { logFile });
  }
}
