// Loading a kubeconfig and turning transport failures into errors that say what to fix.
import "./node-compat.js";
import { readFileSync } from "node:fs";
import { ApiException, KubeConfig, VersionApi } from "@kubernetes/client-node";
import {
  ApiUnreachableError,
  DeliveryError,
  KubeApiError,
  KubeconfigInvalidError,
  KubeconfigNotFoundError,
} from "./delivery-errors.js";

/** Minimal logger; pino and console both fit. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** Time source, injectable so tests control deadlines and timestamps. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** What every delivery function needs. */
export interface KubeOptions {
  kubeConfig: KubeConfig;
  logger?: Logger;
  clock?: Clock;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {} };

/** Load a kubeconfig file; missing, unreadable or unusable files give a one-line error. */
export function loadKubeConfig(path: string): KubeConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new KubeconfigNotFoundError(path);
    throw new KubeconfigInvalidError(path, `cannot read it (${code ?? (err as Error).message})`);
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (err) {
    throw new KubeconfigInvalidError(path, firstLine((err as Error).message));
  }
  const context = kc.getCurrentContext();
  if (!context) throw new KubeconfigInvalidError(path, "it has no current-context");
  if (!kc.getContextObject(context))
    throw new KubeconfigInvalidError(path, `current-context "${context}" is not defined`);
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new KubeconfigInvalidError(path, `context "${context}" names no cluster with a server`);
  return kc;
}

/** Ask the API server for its version; an unreachable server gives ApiUnreachableError. */
export async function checkApiServer(kubeConfig: KubeConfig): Promise<string> {
  try {
    const info = await kubeConfig.makeApiClient(VersionApi).getCode();
    return info.gitVersion;
  } catch (err) {
    throw toDeliveryError(err, kubeConfig, "get", "/version");
  }
}

/** HTTP status of a client-node error, if the server answered. */
export function statusOf(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  const code = (err as { statusCode?: unknown; code?: unknown } | undefined)?.statusCode;
  return typeof code === "number" ? code : undefined;
}

export function isNotFound(err: unknown): boolean {
  return statusOf(err) === 404;
}

/** Wrap an error from the client with context: unreachable server, or the API's own message. */
export function toDeliveryError(err: unknown, kubeConfig: KubeConfig, action: string, target: string): Error {
  if (err instanceof DeliveryError) return err;
  const server = kubeConfig.getCurrentCluster()?.server ?? "(no server)";
  if (err instanceof ApiException) {
    return new KubeApiError(action, target, err.code, apiMessage(err.body));
  }
  const transport = transportFailure(err);
  if (transport) return new ApiUnreachableError(server, transport);
  return new KubeApiError(action, target, statusOf(err), firstLine((err as Error)?.message ?? String(err)));
}

function transportFailure(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (err.message === "fetch failed" || cause?.code?.startsWith("E") || cause?.code?.startsWith("UND_")) {
    // fetch refuses ports on its blocklist (1, 22, 25, ...) without connecting and says only "bad port"
    if (cause?.message === "bad port") return "bad port: fetch never connects to this port";
    return (
      firstLine(cause?.code ?? cause?.message ?? err.message) +
      (cause?.code && cause.message ? `: ${firstLine(cause.message)}` : "")
    );
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code && /^E[A-Z]+$/.test(code)) return code;
  return undefined;
}

function apiMessage(body: unknown): string {
  if (typeof body === "string") {
    try {
      const status = JSON.parse(body) as { message?: string; reason?: string };
      return status.message ?? status.reason ?? firstLine(body);
    } catch {
      return firstLine(body);
    }
  }
  const status = body as { message?: string } | undefined;
  return status?.message ?? "no message";
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.trim() ?? text;
}
