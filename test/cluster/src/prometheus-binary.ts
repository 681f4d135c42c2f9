// Prometheus and promtool with Kubernetes service discovery, built from the Go module proxy in their own wrapper
// module and cached apart from the control plane and the node (Debian's package leaves kubernetes_sd_configs out).
import { hostname, userInfo } from "node:os";
import { join } from "node:path";
import { ensureBuilt, type GoBinarySpec, goVersion, moduleCacheKey, requiredVersion } from "./binaries.js";
import { ClusterError } from "./errors.js";
import type { Logger } from "./log.js";

/** Options for {@link ensurePrometheusBinary}. */
export interface EnsurePrometheusBinaryOptions {
  /** Root of the binary cache; the binaries go to `<cacheDir>/prometheus-<key>/bin`. */
  readonly cacheDir: string;
  readonly logger: Logger;
}

/** The built binaries and the Prometheus version they report. */
export interface PrometheusBinary {
  readonly prometheus: string;
  readonly promtool: string;
  /** Prometheus' own version, e.g. `3.16.0`. */
  readonly version: string;
  /** Whether this call built them (false: they were cached). */
  readonly built: boolean;
}

/** Bump when the build commands (tags, ldflags, cgo) change in a way that changes the binaries. */
const prometheusBuildFlagsRevision = "2";

/** Returns the cached Prometheus and promtool for the pinned version, building them first when the cache has none. */
export async function ensurePrometheusBinary(options: EnsurePrometheusBinaryOptions): Promise<PrometheusBinary> {
  const [module, go] = await Promise.all([
    requiredVersion("prometheus", "github.com/prometheus/prometheus"),
    goVersion(),
  ]);
  const version = prometheusVersion(module);
  const keyDir = join(
    options.cacheDir,
    `prometheus-${await moduleCacheKey(["prometheus"], go, prometheusBuildFlagsRevision)}`,
  );
  const built = await ensureBuilt(
    {
      label: "prometheus",
      summary: `Prometheus ${version} (module ${module})`,
      keyDir,
      specs: prometheusBuildSpecs(module),
      versions: { prometheus: version, module, go },
    },
    options.logger,
  );
  const bin = join(keyDir, "bin");
  return { prometheus: join(bin, "prometheus"), promtool: join(bin, "promtool"), version, built };
}

/** Prometheus 3 publishes its Go module as v0.3XY.Z for release 3.XY.Z. */
export function prometheusVersion(module: string): string {
  const [, major, minor, patch] = module.match(/^v0\.(\d)(\d\d)\.(\d+)$/) ?? [];
  if (!major || !minor || !patch)
    throw new ClusterError("prerequisite", `not a Prometheus 3 module version: ${module}`);
  return `${major}.${Number(minor)}.${patch}`;
}

/**
 * Both binaries as .promu.yml builds them, less the `builtinassets` tag (the web UI needs npm-built assets; the
 * HTTP API works without it) and less every service discovery but Kubernetes' (`remove_all_sd`,
 * `enable_kubernetes_sd`, the switches of Prometheus' plugins package): the cloud SDKs they bring were most of a
 * cold build. The module proxy does not say which commit a version is, so the revision is the tag.
 */
export function prometheusBuildSpecs(module: string): GoBinarySpec[] {
  const date = new Date()
    .toISOString()
    .replace(/\.\d+Z$/, "")
    .replaceAll("-", "")
    .replace("T", "-");
  const vars = {
    Version: prometheusVersion(module),
    Revision: module,
    Branch: "HEAD",
    BuildUser: `${userInfo().username}@${hostname()}`,
    BuildDate: date,
  };
  const ldflags = [
    "-s",
    "-w",
    ...Object.entries(vars).map(([k, v]) => `-X github.com/prometheus/common/version.${k}=${v}`),
  ];
  return ["prometheus", "promtool"].map((name) => ({
    name,
    module: "prometheus",
    pkg: `github.com/prometheus/prometheus/cmd/${name}`,
    ldflags: ldflags.join(" "),
    tags: ["netgo", "remove_all_sd", "enable_kubernetes_sd"],
  }));
}
