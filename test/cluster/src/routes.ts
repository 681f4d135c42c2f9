import { ClusterError } from "./errors.js";
import { run } from "./exec.js";

/** Routes each range to a blackhole, so a packet addressed to a simulated pod, service or node is dropped here. */
export async function addBlackholeRoutes(cidrs: readonly string[]): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new ClusterError(
      "prerequisite",
      `routing ${cidrs.join(", ")} to a blackhole needs root; run cluster:up as root (test tier 2 needs root)`,
    );
  }
  for (const cidr of cidrs) await run("ip", ["route", "replace", "blackhole", cidr]);
}

/** Removes the blackhole routes again; a route that is already gone is fine. */
export async function removeBlackholeRoutes(cidrs: readonly string[]): Promise<void> {
  for (const cidr of cidrs) {
    const existing = await run("ip", ["route", "show", "type", "blackhole", cidr]);
    if (existing.trim() !== "") await run("ip", ["route", "del", "blackhole", cidr]);
  }
}
