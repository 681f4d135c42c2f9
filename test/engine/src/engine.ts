// The engine, run on the host as root but in a mount namespace of its own. Started directly on a host, it takes the
// host for its container: it bind-mounts its dnsmasq's resolv.conf over /etc/resolv.conf and rewrites the iptables
// links in /usr/bin, which breaks name resolution on the machine once it stops. In its own namespace those mounts
// die with it, /usr/bin and /usr/local/bin are overlays whose writes land in the run directory, and its private
// engine.json is bind-mounted over /etc/dagger. The host keeps only what cannot be hidden: the network bridge, NAT
// rules, and the empty mount points /etc/dagger and /etc/dnsmasq-resolv.conf, which `down` removes if `up` made them.
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ClusterError } from "../../cluster/src/errors.js";
import { run } from "../../cluster/src/exec.js";
import type { Logger } from "../../cluster/src/log.js";
import { type ProcessRecord, startProcess } from "../../cluster/src/processes.js";
import { notYet, waitFor } from "../../cluster/src/wait.js";
import { clientEnvironment, type EngineConfig } from "./config.js";
import { type DaggerInstallation, DEBIAN_CNI_DIR, findProgram } from "./tools.js";

/** Host paths the engine insists on, created (empty) by `up` when missing and removed again by `down`. */
export const HOST_MOUNT_POINTS = { etcDagger: "/etc/dagger", dnsmasqResolv: "/etc/dnsmasq-resolv.conf" } as const;

/** /etc/dagger/engine.json: docker.io served by the local registry, which speaks plain HTTP. */
export function engineJson(registry: string): string {
  const config = {
    logLevel: "info",
    registries: {
      "docker.io": { mirrors: [registry] },
      [registry]: { http: true },
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

// Runs in the new mount namespace (private propagation, so nothing mounted here reaches the host), then becomes the
// engine. $1 is the run directory.
const NAMESPACE_SCRIPT = `set -eu
run=$1; shift
mount -t overlay overlay -o "lowerdir=/usr/bin,upperdir=$run/overlay/usr-bin/upper,workdir=$run/overlay/usr-bin/work" /usr/bin
mount -t overlay overlay -o "lowerdir=/usr/local/bin,upperdir=$run/overlay/usr-local-bin/upper,workdir=$run/overlay/usr-local-bin/work" /usr/local/bin
mount --bind "$run/etc-dagger" /etc/dagger
exec "$@"`;

/** What `up` created on the host and `down` must remove. */
export interface HostChanges {
  readonly createdEtcDagger: boolean;
  readonly createdDnsmasqResolv: boolean;
}

/** Prepares the run directory's overlays, CNI plugin directory and engine.json; creates missing mount points. */
async function prepare(config: EngineConfig, installation: DaggerInstallation): Promise<HostChanges> {
  const overlay = (name: string) => join(config.runDir, "overlay", name);
  for (const name of ["usr-bin", "usr-local-bin"]) {
    await mkdir(join(overlay(name), "upper"), { recursive: true });
    await mkdir(join(overlay(name), "work"), { recursive: true });
  }
  const runc = await findProgram("runc");
  const tini = await findProgram("tini");
  if (!runc || !tini) throw new ClusterError("prerequisite", "runc and tini are needed (apt-get install runc tini)");
  const links: [string, string][] = [
    // The engine picks an iptables backend and expects its multi-call binary in /usr/bin; Debian has it in /usr/sbin.
    [join(overlay("usr-bin"), "upper/xtables-legacy-multi"), "/usr/sbin/xtables-legacy-multi"],
    [join(overlay("usr-bin"), "upper/xtables-nft-multi"), "/usr/sbin/xtables-nft-multi"],
    [join(overlay("usr-local-bin"), "upper/runc"), runc],
    [join(overlay("usr-local-bin"), "upper/tini"), tini],
    [join(overlay("usr-local-bin"), "upper/dagger-init"), installation.init],
  ];
  const cniDir = join(config.runDir, "cni-bin");
  await mkdir(cniDir, { recursive: true });
  for (const plugin of await readdir(DEBIAN_CNI_DIR)) links.push([join(cniDir, plugin), join(DEBIAN_CNI_DIR, plugin)]);
  links.push([join(cniDir, "dnsname"), installation.dnsname]);
  for (const [path, target] of links) {
    await rm(path, { force: true });
    await symlink(target, path);
  }
  await mkdir(join(config.runDir, "etc-dagger"), { recursive: true });
  await writeFile(join(config.runDir, "etc-dagger", "engine.json"), engineJson(config.registry));

  const createdEtcDagger = !existsSync(HOST_MOUNT_POINTS.etcDagger);
  if (createdEtcDagger) await mkdir(HOST_MOUNT_POINTS.etcDagger);
  const createdDnsmasqResolv = !existsSync(HOST_MOUNT_POINTS.dnsmasqResolv);
  if (createdDnsmasqResolv) await writeFile(HOST_MOUNT_POINTS.dnsmasqResolv, "");
  return { createdEtcDagger, createdDnsmasqResolv };
}

/** Asks the engine for its version through the CLI; the answer proves a client can run a query. */
export async function engineVersion(config: EngineConfig, installation: DaggerInstallation): Promise<string> {
  const output = await run(installation.cli, ["query", "--progress=plain"], {
    input: "{ version }",
    // Outside any module: in a directory with a dagger.json the CLI would load that module first.
    cwd: config.runDir,
    env: clientEnvironment(config, installation.cli),
    timeoutMs: 60_000,
  });
  const version = (JSON.parse(output) as { version?: string }).version;
  if (!version) throw new Error(`the engine answered without a version: ${output.slice(0, 200)}`);
  return version;
}

/** Starts the engine in its own mount namespace and waits until a client query goes through. */
export async function startEngine(
  config: EngineConfig,
  installation: DaggerInstallation,
  logger: Logger,
): Promise<{ readonly record: ProcessRecord; readonly hostChanges: HostChanges; readonly version: string }> {
  const hostChanges = await prepare(config, installation);
  await mkdir(config.engineStateDir, { recursive: true });
  const args = [
    "--mount",
    "--propagation",
    "private",
    "--",
    "/bin/sh",
    "-c",
    NAMESPACE_SCRIPT,
    "engine-namespace",
    config.runDir,
    installation.engine,
    "--root",
    config.engineStateDir,
    "--oci-cni-binary-dir",
    join(config.runDir, "cni-bin"),
  ];
  const unshare = (await findProgram("unshare")) ?? "unshare";
  const started = startProcess("dagger-engine", unshare, args, join(config.runDir, "engine.log"));
  // unshare and sh exec into the engine, so the recorded pid is the engine's own.
  const record = { ...started.record, bin: installation.engine };
  const version = await Promise.race([
    started.exited,
    waitFor(
      `the Dagger engine on ${config.socket}`,
      async () => (existsSync(config.socket) ? engineVersion(config, installation) : notYet("no socket yet")),
      { timeoutMs: 120_000, intervalMs: 1_000 },
    ),
  ]);
  logger.info(`engine: ${version} on unix://${config.socket} (state in ${config.engineStateDir})`);
  return { record, hostChanges, version };
}

/** Removes what the engine leaves on the host: the mount points `up` made, its bridge, its dnsmasq run files. */
export async function cleanUpHost(hostChanges: HostChanges | undefined): Promise<void> {
  if (hostChanges?.createdDnsmasqResolv) await rm(HOST_MOUNT_POINTS.dnsmasqResolv, { force: true });
  if (hostChanges?.createdEtcDagger) await rm(HOST_MOUNT_POINTS.etcDagger, { recursive: true, force: true });
  await rm("/run/containers/cni/dnsname/dagger", { recursive: true, force: true });
  await run("ip", ["link", "delete", "dagger0"]).catch(() => undefined);
}
