import { parseArgs } from "node:util";
import { assertEnvironment } from "../../delivery/manifests/index.js";
import { type EnvironmentStatus, environmentStatus } from "../../delivery/status.js";
import type { Command } from "../runner.js";
import { COMMON_OPTIONS, connect, loadConfig, required } from "./shared.js";
import { formatScaling } from "./watch.js";

export const STATUS_USAGE = `  deliver status --env <env> [--json]
                        per service: image, revision, ready/desired, rollout, last rollback;
                        and the environment's current, previous, failed and unfinished releases;
                        the last scaling action of deliver watch per service`;

export const status: Command = async (args, io) => {
  const { values } = parseArgs({
    args,
    options: { ...COMMON_OPTIONS, env: { type: "string" }, json: { type: "boolean" } },
  });
  const env = required(values.env, "--env");
  const config = await loadConfig(values.config);
  assertEnvironment(config, env);
  const result = await environmentStatus({ config, env, kubeConfig: await connect(values.kubeconfig) });
  io.out.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatStatus(result));
};

/** The status as a table a person reads in a terminal or a CI log. */
export function formatStatus(status: EnvironmentStatus): string {
  const { current, previous, lastFailed, inProgress } = status.releases;
  const lines = [
    `${status.env} (${status.namespace}): release ${current ? `${current.id}${current.revision ? ` (${current.revision})` : ""}, deployed ${current.deployedAt}` : "none recorded"}${status.matchesCurrentRelease ? "" : " — services differ from it"}`,
  ];
  if (current?.analysis) {
    const a = current.analysis;
    lines.push(`  analysis: ${a.outcome} at ${a.at}${a.verified ? " (verified)" : ` (not verified: ${a.message})`}`);
  }
  if (current?.approval) lines.push(`  approved by ${current.approval.by} at ${current.approval.at}`);
  if (current?.promotedFrom)
    lines.push(`  promoted from ${current.promotedFrom.env} (release ${current.promotedFrom.release})`);
  if (previous) lines.push(`  previous release ${previous.id}, deployed ${previous.deployedAt}`);
  if (lastFailed)
    lines.push(`  last failed release ${lastFailed.id} at ${lastFailed.failedService}: ${lastFailed.error}`);
  if (inProgress) {
    lines.push(
      `  release ${inProgress.id} started ${inProgress.deployedAt} by ${inProgress.holder} has not finished (in progress, or interrupted)`,
    );
  }
  const rows = status.services.map((s) => [
    s.service,
    s.revision ?? "-",
    `${s.readyReplicas}/${s.desiredReplicas}`,
    s.rollout,
    s.image ?? "-",
    s.lastRollback
      ? `${s.lastRollback.at} from ${s.lastRollback.from} to ${s.lastRollback.to}: ${s.lastRollback.reason}`
      : "-",
  ]);
  const header = ["SERVICE", "REVISION", "READY", "ROLLOUT", "IMAGE", "LAST ROLLBACK"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  for (const row of [header, ...rows]) {
    lines.push(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  "));
  }
  lines.push(...formatScaling(status.scaling));
  return `${lines.join("\n")}\n`;
}
