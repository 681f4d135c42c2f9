#!/usr/bin/env node
// monitoring: render the Prometheus rules, alerts, prometheus.yml and Grafana dashboards pipeline.yaml implies.
import { existsSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { parseArgs } from "node:util";
import { loadPipelineConfig, PipelineConfigError } from "../config/index.js";
import { MonitoringWriteError, renderMonitoring, writeRendered } from "../monitoring/render.js";
import { type Cli, type CliIo, runCli, runIfMain } from "./runner.js";
import { UsageError } from "./usage.js";

/** A file named on the command line that is not there. */
class MissingFileError extends Error {}

export const monitoringCli: Cli = {
  usage: `Usage:
  monitoring render --out <dir> [--config <file>]   write Prometheus rules and config and Grafana dashboards
                                                    for pipeline.yaml (default ./pipeline.yaml) under <dir>`,
  commands: {
    async render(args, { out }) {
      const { values } = parseArgs({ args, options: { out: { type: "string" }, config: { type: "string" } } });
      if (!values.out) throw new UsageError("render needs --out <dir> (the directory to write the assets into)");
      const file = values.config ?? "pipeline.yaml";
      if (!existsSync(file))
        throw new MissingFileError(`${file} not found: run from the repository root or pass --config <file>`);
      const config = await loadPipelineConfig(file);
      const written = await writeRendered(values.out, renderMonitoring(config));
      for (const path of written) {
        const short = relative(process.cwd(), path);
        out.write(`wrote ${short.startsWith("..") || isAbsolute(short) ? path : short}\n`);
      }
    },
  },
  isUserError: (error): error is Error =>
    error instanceof PipelineConfigError || error instanceof MonitoringWriteError || error instanceof MissingFileError,
};

/** Runs one subcommand and returns the process exit code. */
export function run(argv: readonly string[], out: CliIo["out"] = process.stdout, err: CliIo["err"] = process.stderr) {
  return runCli(monitoringCli, argv, { out, err });
}

await runIfMain(import.meta.url, monitoringCli);
