#!/usr/bin/env node
// deliver: deploy, inspect, roll back, scale (by hand or by watching the SLO), promote and analyse the services of
// an environment, with the same code the pipeline runs.
import { PipelineConfigError } from "../config/index.js";
import { DeliveryError } from "../delivery/errors.js";
import { ANALYZE_USAGE, analyze } from "./deliver/analyze.js";
import { DEPLOY_USAGE, deploy } from "./deliver/deploy.js";
import { PERF_GATE_USAGE, perfGate } from "./deliver/perf-gate.js";
import { PROMOTE_USAGE, promote } from "./deliver/promote.js";
import { REPORT_USAGE } from "./deliver/report.js";
import { ROLLBACK_USAGE, rollback } from "./deliver/rollback.js";
import { SCALE_USAGE, scale } from "./deliver/scale.js";
import { COMMON_USAGE } from "./deliver/shared.js";
import { STATUS_USAGE, status } from "./deliver/status.js";
import { WATCH_USAGE, watch } from "./deliver/watch.js";
import { type Cli, type CliIo, runCli, runIfMain } from "./runner.js";

export const deliverCli: Cli = {
  usage: [
    "Usage:",
    DEPLOY_USAGE,
    STATUS_USAGE,
    ROLLBACK_USAGE,
    SCALE_USAGE,
    WATCH_USAGE,
    PROMOTE_USAGE,
    ANALYZE_USAGE,
    PERF_GATE_USAGE,
    COMMON_USAGE,
    REPORT_USAGE,
  ].join("\n"),
  commands: { deploy, status, rollback, scale, watch, promote, analyze, "perf-gate": perfGate },
  isUserError: (error): error is Error => error instanceof DeliveryError || error instanceof PipelineConfigError,
  oneLineErrors: true,
};

/** Runs one subcommand and returns the process exit code: 0 done, 1 failed, 2 usage error. */
export function run(argv: readonly string[], out: CliIo["out"] = process.stdout, err: CliIo["err"] = process.stderr) {
  return runCli(deliverCli, argv, { out, err });
}

await runIfMain(import.meta.url, deliverCli);
