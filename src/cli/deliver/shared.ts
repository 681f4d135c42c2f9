// What every deliver subcommand shares: common flags, pipeline.yaml, the kubeconfig and progress output.
import { existsSync } from "node:fs";
import type { KubeConfig } from "@kubernetes/client-node";
import { loadPipelineConfig, type PipelineConfig } from "../../config/index.js";
import { DeliveryError } from "../../delivery/errors.js";
import { checkApiServer, type Logger, loadKubeConfig } from "../../delivery/kube.js";
import type { CliIo } from "../runner.js";
import { UsageError } from "../usage.js";
import { API_SERVER_VARIABLE, redirectCurrentCluster } from "./api-server.js";

export const COMMON_OPTIONS = {
  kubeconfig: { type: "string" },
  config: { type: "string" },
  timeout: { type: "string" },
} as const;

/** The flags of a command that acts on one service of one environment (its service may be optional). */
export const SERVICE_OPTIONS = {
  ...COMMON_OPTIONS,
  env: { type: "string" },
  service: { type: "string" },
} as const;

export const COMMON_USAGE = `Common options:
  --kubeconfig <file>   default $KUBECONFIG
  --config <file>       default pipeline.yaml
  --timeout <seconds>   how long to wait for each rollout (default 300)
  $DELIVER_API_SERVER   host:port to reach the API server at instead of the kubeconfig's server (TLS is still
                        verified against the kubeconfig's server name)`;

export interface CommonValues {
  kubeconfig?: string | undefined;
  config?: string | undefined;
  timeout?: string | undefined;
}

/** A pipeline.yaml that is not where the command looked. */
export class ConfigNotFoundError extends DeliveryError {}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") throw new UsageError(`missing ${flag}`);
  return value;
}

export function timeoutMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError("--timeout must be a positive number of seconds");
  return seconds * 1000;
}

export async function loadConfig(file: string | undefined): Promise<PipelineConfig> {
  const path = file ?? "pipeline.yaml";
  if (!existsSync(path)) {
    throw new ConfigNotFoundError(
      `pipeline config not found at ${path}: pass --config <file> or run from the repository root`,
    );
  }
  return loadPipelineConfig(path);
}

/**
 * Loads the kubeconfig (its current cluster moved to $DELIVER_API_SERVER when set, see redirectCluster) and checks
 * that its API server answers, so later errors are about the work itself.
 */
export async function connect(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<KubeConfig> {
  const path = file ?? env.KUBECONFIG;
  if (!path) throw new UsageError("no kubeconfig: pass --kubeconfig <file> or set KUBECONFIG");
  const kubeConfig = loadKubeConfig(path);
  const apiServer = env[API_SERVER_VARIABLE];
  if (apiServer) redirectCurrentCluster(kubeConfig, apiServer);
  await checkApiServer(kubeConfig);
  return kubeConfig;
}

/** Progress goes to standard error, so standard output carries only the result. */
export function progressLogger({ err }: CliIo): Logger {
  return { info: (m) => err.write(`${m}\n`), warn: (m) => err.write(`warning: ${m}\n`) };
}
