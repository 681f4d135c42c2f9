// A Prometheus server for a test: the built binary (ensurePrometheusBinary), a rendered prometheus.yml, a TSDB in
// the test's own directory, the HTTP API on a free loopback port. Tier 2 and the pods tier start it per test file.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { probeHealth } from "./health.js";
import { formatDuration, type Logger } from "./log.js";
import { freePorts } from "./ports.js";
import { type ProcessRecord, startProcess, stopProcess } from "./processes.js";
import { waitFor } from "./wait.js";

/** Options for {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** The `prometheus` binary with Kubernetes discovery (from ensurePrometheusBinary). */
  readonly binary: string;
  /** The whole prometheus.yml. */
  readonly configYaml: string;
  /** Holds prometheus.yml, the TSDB (`data/`) and `prometheus.log`; created if missing. */
  readonly dir: string;
  readonly logger: Logger;
  /** How long to wait for /-/ready; default 60 s. */
  readonly readyTimeoutMs?: number;
}

/** A running Prometheus. */
export interface RunningPrometheus {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly configFile: string;
  readonly logFile: string;
  readonly record: ProcessRecord;
  /** GETs `<url><path>` (e.g. `/api/v1/targets`) and returns the `data` of a `status: success` answer. */
  api<T = unknown>(path: string): Promise<T>;
  /** SIGTERM, SIGKILL after 10 s; safe to call twice. */
  stop(): Promise<void>;
}

/** How often the scrape manager takes new targets from discovery (Prometheus' default is 5 s). */
export const DISCOVERY_RELOAD_INTERVAL_SECONDS = 1;

/** Starts Prometheus with `configYaml` and waits until /-/ready answers; stops it again if it never does. */
export async function startPrometheus(options: StartPrometheusOptions): Promise<RunningPrometheus> {
  const started = Date.now();
  await mkdir(join(options.dir, "data"), { recursive: true });
  const configFile = join(options.dir, "prometheus.yml");
  const logFile = join(options.dir, "prometheus.log");
  await writeFile(configFile, options.configYaml);
  const { web } = await freePorts(["web"]);
  const url = `http://127.0.0.1:${web}`;
  const { record, exited } = startProcess(
    "prometheus",
    options.binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(options.dir, "data")}`,
      `--web.listen-address=127.0.0.1:${web}`,
      "--log.level=debug",
      // Hidden flag (default 5 s): how long new targets from discovery wait before the scrape pools take them.
      `--scrape.discovery-reload-interval=${DISCOVERY_RELOAD_INTERVAL_SECONDS}s`,
    ],
    logFile,
  );
  const stop = async () => {
    await stopProcess(record);
  };
  try {
    await Promise.race([
      exited,
      waitFor(`prometheus (${url}/-/ready)`, () => probeHealth(`${url}/-/ready`), {
        timeoutMs: options.readyTimeoutMs ?? 60_000,
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  options.logger.info(`prometheus: ready at ${url} in ${formatDuration(Date.now() - started)} (log ${logFile})`);
  return { url, configFile, logFile, record, api: (path) => apiGet(url, path), stop };
}

async function apiGet<T>(url: string, path: string): Promise<T> {
  const response = await fetch(`${url}${path}`);
  const body = (await response.json()) as { status: string; data?: T; error?: string };
  if (!response.ok || body.status !== "success") {
    throw new Error(`prometheus GET ${path}: HTTP ${response.status}: ${body.error ?? JSON.stringify(body)}`);
  }
  return body.data as T;
}
