import { parseArgs } from "node:util";
import { analyseEnvironment } from "../../delivery/analyse-environment.js";
import type { Command } from "../runner.js";
import { UsageError } from "../usage.js";
import {
  ANALYSING_COMMAND_OPTIONS,
  LOAD_USAGE,
  loadUrlOf,
  PROMETHEUS_URL_VARIABLE,
  prometheusUrlOf,
  writeAnalysis,
} from "./analysis.js";
import { reportDestination, withReport } from "./report.js";
import { connect, loadConfig, progressLogger, required, timeoutMs } from "./shared.js";

export const ANALYZE_USAGE = `  deliver analyze --env <env> --prometheus-url <url> [--load-url <url>] [--lock-timeout <seconds>]
                  [--report-dir <dir>]
                        judge the environment's current release now, every service against the previous
                        release's digest, and record the verdict on it (a Successful one makes it
                        promotable); exits 1 unless Successful. Never rolls back: a Failed verdict says
                        to run deliver rollback.
                        --prometheus-url: the Prometheus HTTP API to query (default $${PROMETHEUS_URL_VARIABLE})
                        ${LOAD_USAGE}`;

export const analyze: Command = async (args, io) => {
  const { values } = parseArgs({
    args,
    options: {
      ...ANALYSING_COMMAND_OPTIONS,
      env: { type: "string" },
      "lock-timeout": { type: "string" },
    },
  });
  await withReport("analyze", reportDestination(values), io, async (learn) => {
    const env = required(values.env, "--env");
    learn({ env });
    const prometheusUrl = prometheusUrlOf(values);
    if (prometheusUrl === undefined)
      throw new UsageError(`analyze needs --prometheus-url <url> (or $${PROMETHEUS_URL_VARIABLE}): it asks Prometheus`);
    const loadUrl = loadUrlOf(values);
    const config = await loadConfig(values.config);
    learn({ config });
    const kubeConfig = await connect(values.kubeconfig);
    const lockTimeout = timeoutMs(values["lock-timeout"]);
    const result = await analyseEnvironment({
      config,
      env,
      kubeConfig,
      prometheusUrl,
      logger: progressLogger(io),
      ...(loadUrl === undefined ? {} : { loadUrl }),
      ...(lockTimeout === undefined ? {} : { lockTimeoutMs: lockTimeout }),
    });
    io.out.write(`analysed release ${result.release.id} in ${env} (${result.namespace})\n`);
    writeAnalysis(io.out, result.release.analysis);
    return { kind: "release", result };
  });
};
