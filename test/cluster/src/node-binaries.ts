// The binaries of the real node: kubelet, kube-proxy, containerd with its runc shim, runc and a minimal
// CoreDNS, built from the Go module proxy in their own wrapper modules and cached apart from the control plane.
import { join } from "node:path";
import {
  ensureBuilt,
  type GoBinarySpec,
  goVersion,
  kubernetesLdflags,
  moduleCacheKey,
  requiredVersion,
} from "./binaries.js";
import type { Logger } from "./log.js";

/** Absolute paths of the node's binaries. */
export interface NodeBinaries {
  readonly dir: string;
  readonly kubelet: string;
  readonly kubeProxy: string;
  readonly containerd: string;
  readonly containerdShimRuncV2: string;
  /** containerd's own client, for looking into the node by hand (`ctr --address <socket> -n k8s.io containers ls`). */
  readonly ctr: string;
  readonly runc: string;
  readonly coredns: string;
}

/** The versions the node's wrapper modules pin. */
export interface NodeVersions {
  readonly kubernetes: string;
  readonly containerd: string;
  readonly runc: string;
  readonly coredns: string;
  readonly go: string;
}

/** Options for {@link ensureNodeBinaries}. */
export interface EnsureNodeBinariesOptions {
  /** Root of the binary cache; the node's binaries go to `<cacheDir>/node-<key>/bin`. */
  readonly cacheDir: string;
  readonly logger: Logger;
}

/** The node's wrapper modules under controlplane/, in the order they go into the cache key. */
export const nodeModules = ["kubelet", "containerd", "runc", "coredns"] as const;

/** Bump when the node's build commands (tags, ldflags, cgo) change in a way that changes the binaries. */
const nodeBuildFlagsRevision = "1";

/** Returns the cached node binaries for the pinned versions, building them first when the cache has none. */
export async function ensureNodeBinaries(
  options: EnsureNodeBinariesOptions,
): Promise<{ binaries: NodeBinaries; versions: NodeVersions; built: boolean }> {
  const versions = await readNodeVersions();
  const key = await moduleCacheKey(nodeModules, versions.go, nodeBuildFlagsRevision);
  const keyDir = join(options.cacheDir, `node-${key}`);
  const built = await ensureBuilt(
    {
      label: "node binaries",
      summary: `kubelet and kube-proxy ${versions.kubernetes}, containerd ${versions.containerd}, runc ${versions.runc}, CoreDNS ${versions.coredns}`,
      keyDir,
      specs: nodeBuildSpecs(versions),
      versions: { ...versions },
    },
    options.logger,
  );
  return { binaries: nodeBinaryPaths(join(keyDir, "bin")), versions, built };
}

/** Reads the pinned versions from the node's wrapper modules and the Go toolchain. */
export async function readNodeVersions(): Promise<NodeVersions> {
  const [kubernetes, containerd, runc, coredns, go] = await Promise.all([
    requiredVersion("kubelet", "k8s.io/kubernetes"),
    requiredVersion("containerd", "github.com/containerd/containerd/v2"),
    requiredVersion("runc", "github.com/opencontainers/runc"),
    requiredVersion("coredns", "github.com/coredns/coredns"),
    goVersion(),
  ]);
  return { kubernetes, containerd, runc, coredns, go };
}

/**
 * How each node binary is built, slowest first. The tags follow the projects' own Makefiles: containerd leaves
 * out the snapshotters that need C libraries (btrfs, devmapper, zfs) and builds static; its shim leaves out
 * gRPC (it speaks ttrpc) as containerd's release builds do; runc needs cgo for seccomp (libseccomp-dev) and
 * leaves out libpathrs, a Rust library that Debian does not ship.
 */
export function nodeBuildSpecs(versions: Pick<NodeVersions, "kubernetes" | "containerd">): GoBinarySpec[] {
  const kubernetes = kubernetesLdflags(versions.kubernetes);
  const containerd = `-s -w -X github.com/containerd/containerd/v2/version.Version=${versions.containerd}`;
  const containerdTags = ["no_btrfs", "no_devmapper", "no_zfs", "urfave_cli_no_docs"];
  return [
    { name: "kubelet", module: "kubelet", pkg: "k8s.io/kubernetes/cmd/kubelet", ldflags: kubernetes },
    { name: "kube-proxy", module: "kubelet", pkg: "k8s.io/kubernetes/cmd/kube-proxy", ldflags: kubernetes },
    {
      name: "containerd",
      module: "containerd",
      pkg: "github.com/containerd/containerd/v2/cmd/containerd",
      ldflags: containerd,
      tags: containerdTags,
    },
    { name: "coredns", module: "coredns", pkg: ".", ldflags: "-s -w" },
    {
      name: "containerd-shim-runc-v2",
      module: "containerd",
      pkg: "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2",
      ldflags: containerd,
      tags: ["no_grpc", "urfave_cli_no_docs"],
    },
    {
      name: "ctr",
      module: "containerd",
      pkg: "github.com/containerd/containerd/v2/cmd/ctr",
      ldflags: containerd,
      tags: containerdTags,
    },
    {
      name: "runc",
      module: "runc",
      pkg: "github.com/opencontainers/runc",
      ldflags: "-s -w",
      tags: ["seccomp", "urfave_cli_no_docs"],
      cgo: true,
    },
  ];
}

function nodeBinaryPaths(dir: string): NodeBinaries {
  return {
    dir,
    kubelet: join(dir, "kubelet"),
    kubeProxy: join(dir, "kube-proxy"),
    containerd: join(dir, "containerd"),
    containerdShimRuncV2: join(dir, "containerd-shim-runc-v2"),
    ctr: join(dir, "ctr"),
    runc: join(dir, "runc"),
    coredns: join(dir, "coredns"),
  };
}
