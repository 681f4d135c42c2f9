// Test support: Debian's Prometheus binary on a free loopback port with a throwaway storage directory, scraping
// static targets every second, and tiny HTTP servers that record request durations with prom-client.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Histogram, Registry } from "prom-client";
import { stringify } from "yaml";

export const PROMETHEUS_BINARY = "/usr/bin/prometheus";

export interface RunningPrometheus {
  readonly url: string;
  stop(): Promise<void>;
}

export interface StaticTarget {
  readonly address: string;
  readonly labels: Record<string, string>;
}

/** A loopback port nothing listens on (right now). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts Prometheus scraping `targets` every second; resolves once every target has been scraped (within 20 s:
 * Prometheus holds back its first discovery update for about 5 s, so the first scrape comes that late).
 */
export async function startPrometheus(targets: readonly StaticTarget[]): Promise<RunningPrometheus> {
  if (!existsSync(PROMETHEUS_BINARY))
    throw new Error(`${PROMETHEUS_BINARY} is missing: this tier-1 test needs it (apt-get install prometheus)`);
  const dir = await mkdtemp(join(tmpdir(), "analysis-prometheus-"));
  const config = {
    global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
    scrape_configs: [
      {
        job_name: "analysis-test",
        static_configs: targets.map((t) => ({ targets: [t.address], labels: t.labels })),
      },
    ],
  };
  await writeFile(join(dir, "prometheus.yml"), stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr = (stderr + String(chunk)).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async () => {
    if (!exited) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exit;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (exited) {
      await stop();
      throw new Error(`prometheus exited before it was ready: ${stderr.trim()}`);
    }
    try {
      const response = await fetch(`${url}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(1_000) });
      const body = (await response.json()) as { data?: { activeTargets?: { health: string }[] } };
      const active = body.data?.activeTargets ?? [];
      if (active.length === targets.length && active.every((t) => t.health === "up")) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`prometheus at ${url} had not scraped every target within 20 s: ${stderr.trim()}`);
}

export interface SlowServer {
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * An HTTP server whose `GET /work` answers after `delayMs`, recording each request in
 * `http_request_duration_seconds` with the labels and buckets the shop's services use, and serving `/metrics`.
 */
export async function startSlowServer(delayMs: number): Promise<SlowServer> {
  const registry = new Registry();
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration by route, method and status code",
    labelNames: ["route", "method", "status_code"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const server: Server = createServer((request, response) => {
    if (request.url === "/metrics") {
      registry.metrics().then((text) => {
        response.writeHead(200, { "content-type": registry.contentType }).end(text);
      });
      return;
    }
    const started = process.hrtime.bigint();
    setTimeout(() => {
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      duration.observe({ route: "/work", method: request.method ?? "GET", status_code: "200" }, seconds);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends requests to `/work` of each server, `concurrency` at a time, until stopped or `maxRequests` each. */
export function generateLoad(servers: readonly SlowServer[], concurrency = 2, maxRequests = 3_000) {
  let stopped = false;
  const loops = servers.flatMap((server) =>
    Array.from({ length: concurrency }, async () => {
      for (let i = 0; i < maxRequests / concurrency && !stopped; i++) {
        const response = await fetch(`http://${server.address}/work`, { signal: AbortSignal.timeout(5_000) });
        await response.text();
      }
    }),
  );
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}
