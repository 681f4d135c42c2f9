import { parseArgs } from "node:util";
import { promote as promoteRelease, promotionRelease } from "../../delivery/promote.js";
import type { Command } from "../runner.js";
import {
  ANALYSING_COMMAND_OPTIONS,
  ANALYSIS_USAGE,
  LOAD_USAGE,
  loadUrlOf,
  prometheusUrlOf,
  writeAnalysis,
} from "./analysis.js";
import { reportDestination, withReport } from "./report.js";
import { connect, loadConfig, progressLogger, required, timeoutMs } from "./shared.js";

export const PROMOTE_USAGE = `  deliver promote --from <env> --to <env> [--approve <who>] [--prometheus-url <url> [--load-url <url>]] [--print]
                  [--report-dir <dir>]
                        deploy to <to> exactly the digests running in <from>. Refused when <to> has
                        promotion.requiresApproval and no --approve is given, or when <from> has analysis
                        and its current release has no Successful analysis of those digests within <to>'s
                        promotion.analysisMaxAge. The approver is recorded with the release.
                        (--print: print that release as JSON and deploy nothing; no report)
                        ${ANALYSIS_USAGE}
                        ${LOAD_USAGE}`;

export const promote: Command = async (args, io) => {
  const { values } = parseArgs({
    args,
    options: {
      ...ANALYSING_COMMAND_OPTIONS,
      from: { type: "string" },
      to: { type: "string" },
      approve: { type: "string" },
      print: { type: "boolean" },
    },
  });
  await withReport("promote", reportDestination(values), io, async (learn) => {
    const from = required(values.from, "--from");
    const to = required(values.to, "--to");
    learn({ from, env: to });
    const prometheusUrl = prometheusUrlOf(values);
    const loadUrl = loadUrlOf(values);
    const config = await loadConfig(values.config);
    learn({ config });
    const kubeConfig = await connect(values.kubeconfig);
    const logger = progressLogger(io);
    if (values.print) {
      const release = await promotionRelease({ config, from, to, kubeConfig, logger });
      io.out.write(`${JSON.stringify(release, null, 2)}\n`);
      return undefined;
    }
    const result = await promoteRelease({
      config,
      from,
      to,
      kubeConfig,
      logger,
      timeoutMs: timeoutMs(values.timeout),
      ...(values.approve !== undefined ? { approvedBy: values.approve } : {}),
      ...(prometheusUrl !== undefined ? { prometheusUrl } : {}),
      ...(loadUrl !== undefined ? { loadUrl } : {}),
    });
    io.out.write(
      `promoted ${from} to ${to}: release ${result.release.id} (changed: ${result.changed.join(", ") || "none"})\n`,
    );
    const { approval } = result.release;
    if (approval) io.out.write(`approved by ${approval.by} at ${approval.at}\n`);
    writeAnalysis(io.out, result.release.analysis);
    return { kind: "release", result };
  });
};
