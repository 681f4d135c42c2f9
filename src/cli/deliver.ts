#!/usr/bin/env node
// deliver: scale, roll back and promote services of an environment, with the same code the pipeline runs.
import "../delivery/node-compat.js";
import { existsSync, realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { loadPipelineConfig, type PipelineConfig, PipelineConfigError } from "../config/index.js";
import { DeliveryError as KubeDeliveryError } from "../delivery/delivery-errors.js";
import { DeliveryError } from "../delivery/errors.js";
import { checkApiServer, type Logger, loadKubeConfig } from "../delivery/kube.js";
import { promotionRelease } from "../delivery/promote.js";
import { deployRelease } from "../delivery/release-deploy.js";
import { rollbackDeployment } from "../delivery/rollback.js";
import { checkReplicas, ScaleError, scaleService, serviceTarget } from "../delivery/scale.js";
import { isUsageError, UsageError } from "./usage.js";

const USAGE = `Usage:
  deliver scale --env <env> --service <service> --replicas <n> [--no-wait]
  deliver rollback --env <env> --service <service> [--to-revision <n>]
  deliver promote --from <env> --to <env> [--print]
                        deploy to <to> exactly the digests running in <from>
                        (--print: print that release as JSON and deploy nothing)
Common options:
  --kubeconfig <file>   default $KUBECONFIG
  --config <file>       default pipeline.yaml
  --timeout <seconds>   how long to wait for a rollout (default 300)`;

const COMMON = {
  kubeconfig: { type: "string" },
  config: { type: "string" },
  timeout: { type: "string" },
} as const;

/** Runs one subcommand and returns the process exit code: 0 done, 1 failed, 2 usage error. */
export async function run(
  argv: readonly string[],
  out: Writer = process.stdout,
  err: Writer = process.stderr,
): Promise<number> {
  const [command, ...rest] = argv;
  const logger: Logger = {
    info: (m) => err.write(`${m}\n`),
    warn: (m) => err.write(`warning: ${m}\n`),
  };
  try {
    switch (command) {
      case "scale": {
        const { values } = parseArgs({
          args: rest,
          options: {
            ...COMMON,
            env: { type: "string" },
            service: { type: "string" },
            replicas: { type: "string" },
            "no-wait": { type: "boolean" },
          },
        });
        const env = required(values.env, "--env");
        const service = required(values.service, "--service");
        const replicasText = required(values.replicas, "--replicas");
        const replicas = /^-?\d+$/.test(replicasText) ? Number(replicasText) : Number.NaN;
        const config = await loadConfig(values.config);
        serviceTarget(config, env, service);
        checkReplicas(replicas);
        const kubeConfig = await connect(values.kubeconfig);
        const result = await scaleService({
          config,
          env,
          service,
          replicas,
          kubeConfig,
          logger,
          wait: !values["no-wait"],
          timeoutMs: timeoutMs(values.timeout),
        });
        out.write(`${env}/${service}: scaled from ${result.previous} to ${result.replicas} replicas\n`);
        return 0;
      }
      case "rollback": {
        const { values } = parseArgs({
          args: rest,
          options: {
            ...COMMON,
            env: { type: "string" },
            service: { type: "string" },
            "to-revision": { type: "string" },
          },
        });
        const env = required(values.env, "--env");
        const service = required(values.service, "--service");
        const toRevision = values["to-revision"];
        if (toRevision !== undefined && !/^\d+$/.test(toRevision)) {
          throw new UsageError(`--to-revision must be a revision number, got "${toRevision}"`);
        }
        const config = await loadConfig(values.config);
        const { namespace, name } = serviceTarget(config, env, service);
        const kubeConfig = await connect(values.kubeconfig);
        const result = await rollbackDeployment(namespace, name, {
          kubeConfig,
          logger,
          toRevision,
          reason: "manual rollback (deliver rollback)",
          timeoutMs: timeoutMs(values.timeout),
        });
        out.write(
          `${env}/${service}: rolled back from revision ${result.fromRevision} to the template of revision ${result.toRevision}, now serving revision ${result.servingRevision ?? "?"} (${result.images.join(", ")})\n`,
        );
        return 0;
      }
      case "promote": {
        const { values } = parseArgs({
          args: rest,
          options: { ...COMMON, from: { type: "string" }, to: { type: "string" }, print: { type: "boolean" } },
        });
        const from = required(values.from, "--from");
        const to = required(values.to, "--to");
        const config = await loadConfig(values.config);
        const kubeConfig = await connect(values.kubeconfig);
        const release = await promotionRelease({ config, from, to, kubeConfig, logger });
        if (values.print) {
          out.write(`${JSON.stringify(release, null, 2)}\n`);
          return 0;
        }
        const result = await deployRelease({
          config,
          env: to,
          release: { ...release, revision: `promoted from ${from}` },
          kubeConfig,
          logger,
          timeoutMs: timeoutMs(values.timeout),
        });
        out.write(
          `promoted ${from} to ${to}: release ${result.release.id} (changed: ${result.changed.join(", ") || "none"})\n`,
        );
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
    if (isUsageError(error)) {
      err.write(`${firstLine((error as Error).message)}\n${USAGE}\n`);
      return 2;
    }
    if (
      error instanceof DeliveryError ||
      error instanceof KubeDeliveryError ||
      error instanceof ScaleError ||
      error instanceof PipelineConfigError ||
      error instanceof ConfigReadError
    ) {
      err.write(`${firstLine(error.message)}\n`);
      return 1;
    }
    throw error;
  }
}

/** Where output goes: process.stdout, or anything else that takes text. */
export interface Writer {
  write(text: string): unknown;
}

class ConfigReadError extends Error {}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") throw new UsageError(`missing ${flag}`);
  return value;
}

function timeoutMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout must be a positive number of seconds`);
  return seconds * 1000;
}

async function loadConfig(file: string | undefined): Promise<PipelineConfig> {
  const path = file ?? "pipeline.yaml";
  if (!existsSync(path)) {
    throw new ConfigReadError(
      `pipeline config not found at ${path}: pass --config <file> or run from the repository root`,
    );
  }
  return loadPipelineConfig(path);
}

async function connect(file: string | undefined) {
  const path = file ?? process.env.KUBECONFIG;
  if (!path) throw new UsageError("no kubeconfig: pass --kubeconfig <file> or set KUBECONFIG");
  const kubeConfig = loadKubeConfig(path);
  await checkApiServer(kubeConfig);
  return kubeConfig;
}

// Config errors list one problem per line; the CLI prints one line either way.
function firstLine(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join("; ");
}

// Run only as a script, so tests can import `run`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await run(process.argv.slice(2));
}
