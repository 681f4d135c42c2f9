#!/usr/bin/env node
// pipeline: validate pipeline.yaml and list the services a change affects.
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { AffectedError, affectedServices } from "../affected/index.js";
import { loadPipelineConfig, PipelineConfigError } from "../config/index.js";
import { type Cli, type CliIo, runCli, runIfMain } from "./runner.js";
import { UsageError } from "./usage.js";

export const pipelineCli: Cli = {
  usage: `Usage:
  pipeline validate [file]                                   check pipeline.yaml (default ./pipeline.yaml)
  pipeline affected --base <ref> [--head <ref>] [--config <file>]
                                                             services changed since <ref>, as JSON
                                                             (without --head: HEAD plus uncommitted changes)`,
  commands: {
    async validate(args, { out }) {
      const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
      const file = positionals[0] ?? "pipeline.yaml";
      const config = await loadPipelineConfig(file, { repoRoot: dirname(resolve(file)) });
      const services = Object.keys(config.services).length;
      out.write(`${file}: OK (${services} services, environments ${Object.keys(config.environments).join(", ")})\n`);
    },
    async affected(args, { out }) {
      const { values } = parseArgs({
        args,
        options: { base: { type: "string" }, head: { type: "string" }, config: { type: "string" } },
      });
      if (!values.base) throw new UsageError("affected needs --base <ref>");
      const file = values.config ?? "pipeline.yaml";
      const repoRoot = dirname(resolve(file));
      const config = await loadPipelineConfig(file, { repoRoot });
      const result = await affectedServices({ repoRoot, base: values.base, head: values.head, config });
      out.write(`${JSON.stringify(result, null, 2)}\n`);
    },
  },
  isUserError: (error): error is Error => error instanceof PipelineConfigError || error instanceof AffectedError,
};

/** Runs one subcommand and returns the process exit code. */
export function run(argv: readonly string[], out: CliIo["out"] = process.stdout, err: CliIo["err"] = process.stderr) {
  return runCli(pipelineCli, argv, { out, err });
}

await runIfMain(import.meta.url, pipelineCli);
