// Test support: a real HTTP server standing in for one revision of a service, for analysis tests that need a
// revision to be good, slow or failing. `GET /work` answers after `delayMs`, with a 500 for every `failEvery`-th
// request, and records it in `http_request_duration_seconds` with the labels and buckets the shop's services use;
// `/metrics` serves the histogram for Prometheus to scrape.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { requestDurationHistogram } from "@shop/service-kit";
import { Registry } from "prom-client";

export interface RevisionServerOptions {
  /** How long each request takes (recorded as exactly this, so timer lateness cannot move a bucket). */
  readonly delayMs?: number;
  /** Every n-th request answers 500 (5 → 20 % errors); 0 or absent: none. */
  readonly failEvery?: number;
}

export interface RevisionServer {
  /** `127.0.0.1:<port>` */
  readonly address: string;
  /** Requests answered so far, and how many of them with a 500. */
  served(): { total: number; errors: number };
  stop(): Promise<void>;
}

export async function startRevisionServer(options: RevisionServerOptions = {}): Promise<RevisionServer> {
  const delayMs = options.delayMs ?? 5;
  const registry = new Registry();
  const duration = requestDurationHistogram(registry);
  let total = 0;
  let errors = 0;
  const server: Server = createServer((request, response) => {
    if (request.url === "/metrics") {
      registry.metrics().then((text) => response.writeHead(200, { "content-type": registry.contentType }).end(text));
      return;
    }
    total++;
    const fails = options.failEvery !== undefined && options.failEvery > 0 && total % options.failEvery === 0;
    if (fails) errors++;
    setTimeout(() => {
      const status = fails ? 500 : 200;
      response.writeHead(status, { "content-type": "text/plain" }).end(fails ? "boom" : "ok");
      duration.observe(
        { route: "/work", method: request.method ?? "GET", status_code: String(status) },
        delayMs / 1000,
      );
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    served: () => ({ total, errors }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Requests to `/work` of each server, `concurrency` loops each with `pauseMs` between requests (a few dozen a
 * second, enough for rate() over a few seconds), until stopped; bounded by `maxRequests` per server.
 */
export function driveLoad(
  servers: readonly RevisionServer[],
  options: { concurrency?: number; pauseMs?: number; maxRequests?: number } = {},
) {
  const { concurrency = 2, pauseMs = 20, maxRequests = 20_000 } = options;
  let stopped = false;
  const loops = servers.flatMap((server) =>
    Array.from({ length: concurrency }, async () => {
      for (let i = 0; i < maxRequests / concurrency && !stopped; i++) {
        const response = await fetch(`http://${server.address}/work`, { signal: AbortSignal.timeout(5_000) });
        await response.text();
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }),
  );
  return {
    async stop() {
      stopped = true;
      await Promise.allSettled(loops);
    },
  };
}
