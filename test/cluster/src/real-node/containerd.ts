// containerd v2 with its CRI plugin for the real node: its own root, state and socket in the run directory, the
// cgroupfs driver (these machines have cgroup v1), our runc, the local registry over plain HTTP, and the pods'
// CNI network (bridge + host-local + portmap + loopback from Debian's containernetworking-plugins).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RealNodeConfig, RealNodeLayout } from "./config.js";

/** Where Debian's containernetworking-plugins installs the CNI plugins. */
export const CNI_BIN_DIR = "/usr/lib/cni";

/** The CNI network the pods join: one bridge, addresses from the node's own pod range, no masquerading. */
export function cniConfList(config: RealNodeConfig, layout: RealNodeLayout): object {
  return {
    cniVersion: "1.0.0",
    name: "ecommerce-pods",
    plugins: [
      {
        type: "bridge",
        bridge: config.bridge,
        isGateway: true,
        // Off-machine traffic is never NATed: pods talk to this machine and to each other only.
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: "host-local",
          ranges: [[{ subnet: config.podCidr, gateway: config.gatewayIp }]],
          routes: [{ dst: "0.0.0.0/0" }],
          dataDir: layout.cniDataDir,
        },
      },
      { type: "portmap", capabilities: { portMappings: true } },
    ],
  };
}

/** containerd's configuration (format version 3, containerd 2.x). */
export function containerdConfig(config: RealNodeConfig, layout: RealNodeLayout, runc: string): string {
  const q = JSON.stringify;
  return `version = 3
imports = []
root = ${q(layout.containerdRoot)}
state = ${q(layout.containerdState)}
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${q(layout.containerdSocket)}

[ttrpc]
  address = ${q(`${layout.containerdSocket}.ttrpc`)}

# Everything containerd writes stays under the run directory.
[plugins."io.containerd.internal.v1.opt"]
  path = ${q(`${layout.containerdRoot}/opt`)}

[plugins."io.containerd.nri.v1.nri"]
  disable = true

[plugins."io.containerd.shim.v1.manager"]
  # containerd refuses a socket directory longer than 42 characters.
  socket_dir = ${q(layout.shimSocketDir)}

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"

[plugins."io.containerd.cri.v1.images".pinned_images]
  sandbox = ${q(config.pauseImage)}

[plugins."io.containerd.cri.v1.images".registry]
  config_path = ${q(layout.registryHostsDir)}

[plugins."io.containerd.cri.v1.runtime"]
  # Network namespaces of the sandboxes live under the state directory, so cleanup finds every one of them.
  netns_mounts_under_state_dir = true
  # Root here lacks CAP_SYS_RESOURCE, so the -998 CRI asks for the sandboxes fails in runc init
  # ("can't get final child's PID from pipe: EOF"); restricted, the containers keep the caller's score.
  restrict_oom_score_adj = true

[plugins."io.containerd.cri.v1.runtime".cni]
  bin_dirs = [${q(CNI_BIN_DIR)}]
  conf_dir = ${q(layout.cniConfDir)}
  max_conf_num = 1

[plugins."io.containerd.cri.v1.runtime".containerd]
  default_runtime_name = "runc"

[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
  BinaryName = ${q(runc)}
  Root = ${q(`${layout.containerdState}/runc`)}
  SystemdCgroup = false
`;
}

/** containerd's per-registry settings: the local registry is plain HTTP. */
export function registryHosts(registry: string): string {
  return `server = "http://${registry}"

[host."http://${registry}"]
  capabilities = ["pull", "resolve"]
`;
}

/** Writes containerd's configuration, the registry's hosts.toml and the CNI network list. */
export async function writeContainerdFiles(
  config: RealNodeConfig,
  layout: RealNodeLayout,
  runc: string,
): Promise<void> {
  const hostsDir = join(layout.registryHostsDir, config.registry);
  await Promise.all(
    [layout.containerdRoot, layout.containerdState, hostsDir, layout.cniConfDir, layout.cniDataDir].map((dir) =>
      mkdir(dir, { recursive: true, mode: 0o700 }),
    ),
  );
  await Promise.all([
    writeFile(layout.containerdConfig, containerdConfig(config, layout, runc)),
    writeFile(join(hostsDir, "hosts.toml"), registryHosts(config.registry)),
    writeFile(
      join(layout.cniConfDir, "10-ecommerce-pods.conflist"),
      `${JSON.stringify(cniConfList(config, layout), null, 2)}\n`,
    ),
  ]);
}
