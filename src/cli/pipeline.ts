#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { AffectedError, affectedServices } from "../affected/index.js";
import { loadPipelineConfig, PipelineConfigError } from "../config/index.js";
import { isUsageError, UsageError } from "./usage.js";

const USAGE = `Usage:
  pipeline validate [file]                                   check pipeline.yaml (default ./pipeline.yaml)
  pipeline affected --base <ref> [--head <ref>] [--config <file>]
                                                             services changed since <ref>, as JSON
                                                             (without --head: HEAD plus uncommitted changes)`;

/** Runs one subcommand and returns the process exit code. */
export async function run(
  argv: readonly string[],
  out: Writer = process.stdout,
  err: Writer = process.stderr,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "validate": {
        const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
        const file = positionals[0] ?? "pipeline.yaml";
        const config = await loadPipelineConfig(file, { repoRoot: dirname(resolve(file)) });
        const services = Object.keys(config.services).length;
        out.write(`${file}: OK (${services} services, environments ${Object.keys(config.environments).join(", ")})\n`);
        return 0;
      }
      case "affected": {
        const { values } = parseArgs({
          args: rest,
          options: { base: { type: "string" }, head: { type: "string" }, config: { type: "string" } },
        });
        if (!values.base) throw new UsageError("affected needs --base <ref>");
        const file = values.config ?? "pipeline.yaml";
        const repoRoot = dirname(resolve(file));
        const config = await loadPipelineConfig(file, { repoRoot });
        const result = await affectedServices({ repoRoot, base: values.base, head: values.head, config });
        out.write(`${JSON.stringify(result, null, 2)}\n`);
        return 0;
      }
      case undefined:
      case "help":
      case "--help":
      case "-h":
        out.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof PipelineConfigError || error instanceof AffectedError) {
      err.write(`${error.message}\n`);
      return 1;
    }
    if (isUsageError(error)) {
      err.write(`${(error as Error).message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
}

/** Where output goes: process.stdout, or anything else that takes text. */
export interface Writer {
  write(text: string): unknown;
}

// Run only as a script, so tests can import `run`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await run(process.argv.slice(2));
}
