// What the real node and its pods take in memory: the resident sets of the node's own processes and of the
// containerd shims, and the pods' cgroup (cgroup v1 memory controller, the kubelet's cgroupfs layout).
import { readdir, readFile } from "node:fs/promises";
import { realNodeComponents } from "../../cluster/src/real-node/index.js";
import type { ClusterState } from "../../cluster/src/state.js";

export interface NodeMemory {
  /** Resident set of each node component (kubelet, containerd, kube-proxy, CoreDNS), in MiB. */
  readonly componentsMiB: Readonly<Record<string, number>>;
  /** All containerd-shim-runc-v2 processes together, in MiB. */
  readonly shimsMiB: number;
  readonly shims: number;
  /** memory.usage_in_bytes of the kubepods cgroup (every pod's containers and page cache), in MiB. */
  readonly podsMiB: number;
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
}

async function shimPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = await readFile(`/proc/${entry}/comm`, "utf8").catch(() => "");
    if (comm.trim().startsWith("containerd-shim")) pids.push(Number(entry));
  }
  return pids;
}

/** Reads the real node's memory now. */
export async function nodeMemory(state: ClusterState): Promise<NodeMemory> {
  const componentsMiB: Record<string, number> = {};
  for (const name of realNodeComponents) {
    const process = state.processes.find((p) => p.name === name);
    if (process) componentsMiB[name] = mib(await rssBytes(process.pid));
  }
  const shims = await shimPids();
  const shimBytes = (await Promise.all(shims.map(rssBytes))).reduce((a, b) => a + b, 0);
  const pods = await readFile("/sys/fs/cgroup/memory/kubepods/memory.usage_in_bytes", "utf8");
  return { componentsMiB, shimsMiB: mib(shimBytes), shims: shims.length, podsMiB: mib(Number(pods.trim())) };
}
