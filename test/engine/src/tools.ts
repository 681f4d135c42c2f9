// The programs tier 3 runs: a Dagger engine installed by hand, Debian's tools, and crane from the Go module proxy.
import { constants, existsSync } from "node:fs";
import { access, mkdir, realpath } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { ClusterError } from "../../cluster/src/errors.js";
import { run } from "../../cluster/src/exec.js";
import type { Logger } from "../../cluster/src/log.js";

/** Where the engine's documentation for people who must install it lives. */
export const ENGINE_DOCS = "test/engine/README.md";

/** The Dagger binaries of one installation. */
export interface DaggerInstallation {
  /** The CLI the SDK runs (`dagger session`). */
  readonly cli: string;
  /** The engine daemon. */
  readonly engine: string;
  /** The init process the engine puts into every container. */
  readonly init: string;
  /** The CNI plugin that gives containers names. */
  readonly dnsname: string;
}

/** Debian packages the engine and the base images need, by the program that tells whether each is there. */
export const DEBIAN_PACKAGES: Readonly<Record<string, string>> = {
  runc: "runc",
  tini: "tini",
  dnsmasq: "dnsmasq-base",
  iptables: "iptables",
  "docker-registry": "docker-registry",
  debootstrap: "debootstrap",
  unshare: "util-linux",
};

/** Where Debian's CNI plugins live (containernetworking-plugins). */
export const DEBIAN_CNI_DIR = "/usr/lib/cni";

/** crane, the registry client that pushes the base images, built from its Go module. */
const CRANE_MODULE = "github.com/google/go-containerregistry/cmd/crane";
const CRANE_VERSION = "v0.22.1";

/** Finds `name` on PATH (or in `extraDirs` first); undefined when it is not there. */
export async function findProgram(
  name: string,
  extraDirs: readonly string[] = [],
  path = process.env.PATH ?? "",
): Promise<string | undefined> {
  for (const dir of [...extraDirs, ...path.split(delimiter), "/usr/sbin", "/sbin"]) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/**
 * The installed engine: `dagger-engine` and `dagger` on PATH (DAGGER_BIN_DIR first), `dagger-init` and `dnsname`
 * beside the engine's real file or on PATH. Fails with one line naming every missing program.
 */
export async function findDaggerInstallation(env: NodeJS.ProcessEnv = process.env): Promise<DaggerInstallation> {
  const first = env.DAGGER_BIN_DIR ? [env.DAGGER_BIN_DIR] : [];
  const [cli, engine] = await Promise.all([findProgram("dagger", first), findProgram("dagger-engine", first)]);
  const beside = engine ? [dirname(await realpath(engine))] : [];
  const [init, dnsname] = await Promise.all([
    findProgram("dagger-init", [...first, ...beside]),
    findProgram("dnsname", [...first, ...beside]),
  ]);
  const missing = Object.entries({ dagger: cli, "dagger-engine": engine, "dagger-init": init, dnsname })
    .filter(([, found]) => !found)
    .map(([name]) => name);
  if (missing.length > 0 || !cli || !engine || !init || !dnsname) {
    throw new ClusterError(
      "prerequisite",
      `no Dagger engine on this machine: ${missing.join(", ")} not found (on PATH or DAGGER_BIN_DIR); ` +
        `it must be built and installed by hand, see ${ENGINE_DOCS}`,
    );
  }
  return { cli, engine, init, dnsname };
}

/** Installs the Debian packages that are missing (as root, through apt). */
export async function ensureDebianPackages(logger: Logger): Promise<void> {
  const missing: string[] = [];
  for (const [program, pkg] of Object.entries(DEBIAN_PACKAGES)) {
    if (!(await findProgram(program))) missing.push(pkg);
  }
  if (!existsSync(join(DEBIAN_CNI_DIR, "bridge"))) missing.push("containernetworking-plugins");
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new ClusterError("prerequisite", `tier 3 needs root to install ${missing.join(", ")} (apt-get install)`);
  }
  logger.info(`apt: installing ${missing.join(", ")}`);
  await run("apt-get", ["update", "-qq"], { timeoutMs: 300_000 });
  await run("apt-get", ["install", "-y", "-qq", ...missing], {
    env: { DEBIAN_FRONTEND: "noninteractive" },
    timeoutMs: 600_000,
  });
}

/** crane from the Go module proxy, cached by version under `<cacheDir>/tools`. */
export async function ensureCrane(cacheDir: string, logger: Logger): Promise<string> {
  const binDir = join(cacheDir, "tools", `crane-${CRANE_VERSION}`);
  const crane = join(binDir, "crane");
  if (existsSync(crane)) return crane;
  logger.info(`tools: go install ${CRANE_MODULE}@${CRANE_VERSION}`);
  await mkdir(binDir, { recursive: true });
  await run("go", ["install", `${CRANE_MODULE}@${CRANE_VERSION}`], {
    env: { GOBIN: binDir, CGO_ENABLED: "0" },
    timeoutMs: 900_000,
  });
  return crane;
}
