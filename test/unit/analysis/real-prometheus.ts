// Test support: Debian's Prometheus binary on a free loopback port with a throwaway storage directory, scraping
// static targets every second, and tiny HTTP servers that record request durations with prom-client.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requestDurationHistogram } from "@shop/service-kit";
import { Registry } from "prom-client";
import { stringify } from "yaml";
import { silentLogger } from "../../cluster/src/log.js";
import { freePorts } from "../../cluster/src/ports.js";
import { type RunningPrometheus, startPrometheus as startServer } from "../../cluster/src/prometheus.js";
import { notYet, waitFor } from "../../cluster/src/wait.js";

export type { RunningPrometheus };

export const PROMETHEUS_BINARY = "/usr/bin/prometheus";

export interface StaticTarget {
  readonly address: string;
  readonly labels: Record<string, string>;
}

/** A loopback port nothing listens on (right now). */
export async function freePort(): Promise<number> {
  return (await freePorts(["closed"])).closed;
}

/**
 * Debian's Prometheus (static targets need no Kubernetes discovery) scraping `targets` every second, started by the
 * shared test helper; resolves once every target has been scraped (within 20 s: Prometheus holds back its first
 * discovery update for about 5 s, so the first scrape comes that late).
 */
export async function startPrometheus(targets: readonly StaticTarget[]): Promise<RunningPrometheus> {
  if (!existsSync(PROMETHEUS_BINARY))
    throw new Error(`${PROMETHEUS_BINARY} is missing: this tier-1 test needs it (apt-get install prometheus)`);
  const dir = await mkdtemp(join(tmpdir(), "analysis-prometheus-"));
  const configYaml = stringify({
    global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
    scrape_configs: [
      { job_name: "analysis-test", static_configs: targets.map((t) => ({ targets: [t.address], labels: t.labels })) },
    ],
  });
  const prometheus = await startServer({ binary: PROMETHEUS_BINARY, configYaml, dir, logger: silentLogger });
  const stop = async () => {
    await prometheus.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      "prometheus to scrape every target",
      async () => {
        const { activeTargets } = await prometheus.api<{ activeTargets: { health: string }[] }>(
          "/api/v1/targets?state=active",
        );
        const up = activeTargets.filter((t) => t.health === "up").length;
        return up === targets.length ? true : notYet(`${up} of ${targets.length} targets up`);
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...prometheus, stop };
}

export interface SlowServer {
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * An HTTP server whose `GET /work` answers after `delayMs` (or, given a function, the delay it returns when the
 * request arrives, so a test can make the server slow and fast again), recording each request in
 * `http_request_duration_seconds` with the labels and buckets the shop's services use, and serving `/metrics`.
 */
export async function startSlowServer(delay: number | (() => number)): Promise<SlowServer> {
  const registry = new Registry();
  const duration = requestDurationHistogram(registry);
  const server: Server = createServer((request, response) => {
    if (request.url === "/metrics") {
      registry.metrics().then((text) => {
        response.writeHead(200, { "content-type": registry.contentType }).end(text);
      });
      return;
    }
    const delayMs = typeof delay === "function" ? delay() : delay;
    setTimeout(() => {
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
      // The nominal delay, not the measured one: on a busy machine timer lateness would move the good revision's
      // p99 into the next bucket, and the test is about the analysis, not about this machine's scheduler.
      duration.observe({ route: "/work", method: request.method ?? "GET", status_code: "200" }, delayMs / 1000);
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
