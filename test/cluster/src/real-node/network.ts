// The real node's pod network on this machine: a bridge with the pods' own range, the sysctls that let pods reach
// Services (routing through the host, conntrack on bridged replies), and a firewall chain that keeps pod traffic
// between this machine and its pods: nothing from a pod is forwarded anywhere else.
import { readFile, writeFile } from "node:fs/promises";
import { run } from "../exec.js";
import type { RealNodeConfig } from "./config.js";

/** What {@link setUpPodNetwork} changed on the host, so {@link tearDownPodNetwork} can undo exactly that. */
export interface PodNetworkChanges {
  readonly bridge: string;
  readonly chain: string;
  readonly podCidr: string;
  /** Each sysctl set, with the value it had before. */
  readonly sysctls: Readonly<Record<string, string>>;
}

const GUARD_CHAIN = "ECOMMERCE-PODS";

const SYSCTLS = {
  // A pod's packet to a Service address is DNATed on this host and routed back out of the bridge.
  "net/ipv4/ip_forward": "1",
  // Replies between pods on the same bridge skip the host's IP layer; conntrack must still see them to undo the DNAT.
  "net/bridge/bridge-nf-call-iptables": "1",
} as const;

/** Creates the bridge with the gateway address, sets the sysctls and installs the guard chain. */
export async function setUpPodNetwork(config: RealNodeConfig): Promise<PodNetworkChanges> {
  const prefix = config.podCidr.split("/")[1];
  const existing = await run("ip", ["-o", "link", "show", "dev", config.bridge]).catch(() => "");
  if (existing === "") await run("ip", ["link", "add", config.bridge, "type", "bridge"]);
  await run("ip", ["addr", "replace", `${config.gatewayIp}/${prefix}`, "dev", config.bridge]);
  await run("ip", ["link", "set", config.bridge, "up"]);
  const sysctls: Record<string, string> = {};
  for (const [key, value] of Object.entries(SYSCTLS)) {
    sysctls[key] = (await readFile(`/proc/sys/${key}`, "utf8")).trim();
    await writeFile(`/proc/sys/${key}`, value);
  }
  const changes = { bridge: config.bridge, chain: GUARD_CHAIN, podCidr: config.podCidr, sysctls };
  await installGuard(changes);
  return changes;
}

/**
 * (Re)installs the guard chain as the first rule of FORWARD: pod to pod (also after a Service's DNAT) is accepted;
 * anything else a pod sends through the host, and anything forwarded to a pod from elsewhere, is dropped. The host's
 * own traffic to and from pods is not forwarded, so it is untouched. kube-proxy prepends its own FORWARD rules when it
 * starts: call this again afterwards so the guard stays first.
 */
export async function installGuard(changes: PodNetworkChanges): Promise<void> {
  await removeGuard(changes);
  const { chain, podCidr } = changes;
  await run("iptables", ["-w", "-N", chain]);
  await run("iptables", ["-w", "-A", chain, "-s", podCidr, "-d", podCidr, "-j", "ACCEPT"]);
  await run("iptables", ["-w", "-A", chain, "-s", podCidr, "-j", "DROP"]);
  await run("iptables", ["-w", "-A", chain, "-d", podCidr, "-j", "DROP"]);
  await run("iptables", ["-w", "-I", "FORWARD", "1", "-j", chain]);
}

async function removeGuard(changes: PodNetworkChanges): Promise<void> {
  const rules = await run("iptables", ["-w", "-S", "FORWARD"]);
  for (const line of rules.split("\n")) {
    if (line.trim() === `-A FORWARD -j ${changes.chain}`)
      await run("iptables", ["-w", "-D", "FORWARD", "-j", changes.chain]);
  }
  const chains = await run("iptables", ["-w", "-S"]);
  if (chains.split("\n").includes(`-N ${changes.chain}`)) {
    await run("iptables", ["-w", "-F", changes.chain]);
    await run("iptables", ["-w", "-X", changes.chain]);
  }
}

/** Undoes {@link setUpPodNetwork}: the guard chain, the bridge, and each sysctl back to its earlier value. */
export async function tearDownPodNetwork(changes: PodNetworkChanges): Promise<void> {
  await removeGuard(changes);
  const existing = await run("ip", ["-o", "link", "show", "dev", changes.bridge]).catch(() => "");
  if (existing !== "") await run("ip", ["link", "del", changes.bridge]);
  for (const [key, value] of Object.entries(changes.sysctls)) await writeFile(`/proc/sys/${key}`, value);
}

/** Chains the kubelet adds itself (its firewall for 127.0.0.0/8 and the canaries it watches) and never removes. */
const KUBELET_CHAINS = {
  filter: ["KUBE-FIREWALL", "KUBE-KUBELET-CANARY"],
  nat: ["KUBE-KUBELET-CANARY"],
  mangle: ["KUBE-KUBELET-CANARY", "KUBE-IPTABLES-HINT"],
};

/** Removes the kubelet's own chains and the jumps to them, once the kubelet has stopped. */
export async function removeKubeletChains(): Promise<void> {
  for (const [table, chains] of Object.entries(KUBELET_CHAINS)) {
    const rules = (await run("iptables", ["-w", "-t", table, "-S"])).split("\n");
    for (const chain of chains) {
      for (const rule of rules.filter((r) => r.startsWith("-A ") && r.endsWith(`-j ${chain}`))) {
        await run("iptables", ["-w", "-t", table, "-D", ...rule.slice(3).split(" ")]);
      }
      if (rules.includes(`-N ${chain}`)) {
        await run("iptables", ["-w", "-t", table, "-F", chain]);
        await run("iptables", ["-w", "-t", table, "-X", chain]);
      }
    }
  }
}
