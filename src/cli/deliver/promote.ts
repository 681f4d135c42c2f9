import { parseArgs } from "node:util";
import { promotionRelease } from "../../delivery/promote.js";
import { deployRelease } from "../../delivery/release-deploy.js";
import type { Command } from "../runner.js";
import { COMMON_OPTIONS, connect, loadConfig, progressLogger, required, timeoutMs } from "./shared.js";

export const PROMOTE_USAGE = `  deliver promote --from <env> --to <env> [--print]
                        deploy to <to> exactly the digests running in <from>
                        (--print: print that release as JSON and deploy nothing)`;

export const promote: Command = async (args, io) => {
  const { values } = parseArgs({
    args,
    options: { ...COMMON_OPTIONS, from: { type: "string" }, to: { type: "string" }, print: { type: "boolean" } },
  });
  const from = required(values.from, "--from");
  const to = required(values.to, "--to");
  const config = await loadConfig(values.config);
  const kubeConfig = await connect(values.kubeconfig);
  const logger = progressLogger(io);
  const release = await promotionRelease({ config, from, to, kubeConfig, logger });
  if (values.print) {
    io.out.write(`${JSON.stringify(release, null, 2)}\n`);
    return;
  }
  const result = await deployRelease({
    config,
    env: to,
    release: { ...release, revision: `promoted from ${from}` },
    kubeConfig,
    logger,
    timeoutMs: timeoutMs(values.timeout),
  });
  io.out.write(
    `promoted ${from} to ${to}: release ${result.release.id} (changed: ${result.changed.join(", ") || "none"})\n`,
  );
};
