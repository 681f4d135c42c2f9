// What the engine must leave alone on the host: name resolution and the iptables programs in /usr/bin.
import { readFile, readlink } from "node:fs/promises";

/** The host's resolver configuration and iptables links, as seen from one mount namespace. */
export interface HostSnapshot {
  readonly resolvConf: string;
  /** Mount points on or under /etc in that namespace (an engine on the host mounts over /etc/resolv.conf). */
  readonly etcMounts: readonly string[];
  /** Link target of each iptables program in /usr/bin, or null where there is none. */
  readonly iptablesLinks: Readonly<Record<string, string | null>>;
}

const IPTABLES_PROGRAMS = [
  "iptables",
  "iptables-save",
  "iptables-restore",
  "ip6tables",
  "ip6tables-save",
  "ip6tables-restore",
];

/** The snapshot of the namespace of `pid` (default: this process), read through /proc/<pid>/root. */
export async function hostNetworkSnapshot(pid: number | "self" = "self"): Promise<HostSnapshot> {
  const root = `/proc/${pid}/root`;
  const mountinfo = await readFile(`/proc/${pid}/mountinfo`, "utf8");
  const etcMounts = mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point): point is string => point !== undefined && (point === "/etc" || point.startsWith("/etc/")));
  const iptablesLinks: Record<string, string | null> = {};
  for (const program of IPTABLES_PROGRAMS) {
    iptablesLinks[program] = await readlink(`${root}/usr/bin/${program}`).catch(() => null);
  }
  return { resolvConf: await readFile(`${root}/etc/resolv.conf`, "utf8"), etcMounts, iptablesLinks };
}
