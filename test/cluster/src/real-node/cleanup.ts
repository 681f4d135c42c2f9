// Leaves nothing of the real node's pods behind: their processes (found through the kubelet's cgroups), the
// containerd shims, the mounts under the node's directory (overlay snapshots, volumes, network namespaces) and the
// pod cgroups themselves.
import { existsSync } from "node:fs";
import { readdir, readFile, readlink, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { run } from "../exec.js";

const CGROUP_ROOT = "/sys/fs/cgroup";
/** The cgroup the kubelet puts pods under (cgroupfs driver, cgroupsPerQOS). */
const PODS_CGROUP = "kubepods";

async function cgroupDirs(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  const children = await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => cgroupDirs(join(dir, e.name))));
  return [dir, ...children.flat()];
}

/** Every pid in the pods' cgroups, over all controllers. */
async function podPids(): Promise<Set<number>> {
  const pids = new Set<number>();
  for (const controller of await readdir(CGROUP_ROOT).catch(() => [])) {
    for (const dir of await cgroupDirs(join(CGROUP_ROOT, controller, PODS_CGROUP))) {
      const procs = await readFile(join(dir, "cgroup.procs"), "utf8").catch(() => "");
      for (const pid of procs.split("\n").filter(Boolean)) pids.add(Number(pid));
    }
  }
  return pids;
}

/** Pids whose executable is `bin`. */
async function pidsRunning(bin: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const exe = await readlink(`/proc/${entry}/exe`).catch(() => "");
    if (exe === bin) found.push(Number(entry));
  }
  return found;
}

const kill = (pid: number) => {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
};

/** Kills every pod process and every shim started from `shimBin`, waiting until they are gone. */
export async function killPods(shimBin: string): Promise<number> {
  let killed = 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    const pids = [...(await podPids()), ...(await pidsRunning(shimBin))];
    if (pids.length === 0) return killed;
    for (const pid of pids) kill(pid);
    killed += pids.length;
    await sleep(100);
  }
  throw new Error(`pods' processes still running after 5 s of SIGKILL: ${[...(await podPids())].join(", ")}`);
}

/** Unmounts everything mounted under `dir`, deepest first (a lazy unmount when a mount is still busy). */
export async function unmountUnder(dir: string): Promise<number> {
  const mountinfo = await readFile("/proc/self/mountinfo", "utf8");
  // Field 5 is the mount point, with spaces and such escaped as octal.
  const points = mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((p): p is string => p !== undefined && (p === dir || p.startsWith(`${dir}/`)))
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))))
    .sort((a, b) => b.length - a.length);
  for (const point of points) {
    await run("umount", [point]).catch(() => run("umount", ["-l", point]));
  }
  return points.length;
}

/** Removes the pods' cgroups, children first, once no process is left in them. */
export async function removePodCgroups(): Promise<void> {
  for (const controller of await readdir(CGROUP_ROOT).catch(() => [])) {
    const dirs = await cgroupDirs(join(CGROUP_ROOT, controller, PODS_CGROUP));
    for (const dir of dirs.sort((a, b) => b.length - a.length)) await rmdir(dir).catch(() => {});
  }
}
