// Loading a kubeconfig and turning transport failures into errors that say what to fix.
import { readFileSync } from "node:fs";
import {
  ApiUnreachableError,
  DeliveryError,
  KubeApiError,
  KubeconfigInvalidError,
  KubeconfigNotFoundError,
} from "./errors.js";
import { ApiException, AppsV1Api, KubeConfig, type V1Deployment, VersionApi } from "./kube-client.js";

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
  /**
   * How long one request keeps retrying while the API server is unreachable or answers 429/5xx
   * (an apiserver restart, a load balancer failover) before the error surfaces; default 30 s.
   */
  apiOutageToleranceMs?: number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {} };

/** The clock and logger of `options`, defaulting to the system clock and no logging: the one place those defaults live. */
export function clockAndLogger(options: Pick<KubeOptions, "clock" | "logger">): { clock: Clock; logger: Logger } {
  return { clock: options.clock ?? systemClock, logger: options.logger ?? silentLogger };
}

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

/**
 * Run one API request; while the API server is unreachable or answers 429/5xx, retry with backoff for up to
 * `apiOutageToleranceMs` (or until `deadline`, if sooner), then throw the request's DeliveryError.
 * Only for requests that are safe to repeat (reads, server-side applies, preconditioned writes).
 */
export async function withOutageRetry<T>(
  options: KubeOptions,
  what: { action: string; target: string; deadline?: number },
  request: () => Promise<T>,
): Promise<T> {
  const { clock, logger } = clockAndLogger(options);
  const giveUpAt = Math.min(what.deadline ?? Infinity, clock.now() + (options.apiOutageToleranceMs ?? 30_000));
  let backoffMs = 250;
  let warned = false;
  for (;;) {
    try {
      return await request();
    } catch (err) {
      const error = toDeliveryError(err, options.kubeConfig, what.action, what.target);
      const status = statusOf(err);
      const transient = error instanceof ApiUnreachableError || status === 429 || (status ?? 0) >= 500;
      if (!transient || clock.now() + backoffMs > giveUpAt) throw error;
      if (!warned) {
        logger.warn(`${what.action} ${what.target}: ${error.message}; retrying`);
        warned = true;
      }
      await clock.sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, 2_000);
    }
  }
}

/** HTTP status of a client-node error, if the server answered. */
export function statusOf(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  if (err instanceof KubeApiError) return err.status;
  const code = (err as { statusCode?: unknown; code?: unknown } | undefined)?.statusCode;
  return typeof code === "number" ? code : undefined;
}

export function isNotFound(err: unknown): boolean {
  return statusOf(err) === 404;
}

/** A Deployment, or undefined when it does not exist; an API outage is retried (withOutageRetry). */
export async function readDeploymentIfExists(
  options: KubeOptions,
  namespace: string,
  name: string,
): Promise<V1Deployment | undefined> {
  const apps = options.kubeConfig.makeApiClient(AppsV1Api);
  try {
    return await withOutageRetry(options, { action: "read", target: `Deployment ${namespace}/${name}` }, () =>
      apps.readNamespacedDeployment({ namespace, name }),
    );
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
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
