import autocannon from "autocannon";

/** What one load phase measured. */
export interface PhaseResult {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly completed: number;
  readonly failures: number;
}

export interface LoadOptions {
  readonly name: string;
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Upper bound on requests, so a phase always ends. */
  readonly maxRequests?: number;
  readonly method?: "GET" | "POST";
  /** Builds each request; return undefined to stop issuing requests. */
  readonly nextRequest?: () => { path: string; body?: string; headers?: Record<string, string> } | undefined;
  /** Status codes that count as success. */
  readonly okStatuses?: readonly number[];
  /**
   * Seconds of the same load, unmeasured, before the measured run: the JIT compiles the route's code first, so the
   * ratio compares steady states instead of one warm process with one that is still compiling. Only for idempotent
   * requests (a warm-up would use up `nextRequest`'s carts).
   */
  readonly warmupSeconds?: number;
}

/** Drives `url` with autocannon for a bounded time and count. */
export async function runLoad(options: LoadOptions): Promise<PhaseResult> {
  if (options.warmupSeconds) {
    if (options.nextRequest) throw new Error(`${options.name}: a warm-up would spend nextRequest's requests`);
    await autocannon({ url: options.url, connections: options.connections, duration: options.warmupSeconds });
  }
  const ok = new Set(options.okStatuses ?? [200]);
  let failures = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    amount: options.maxRequests,
    method: options.method ?? "GET",
    requests: options.nextRequest
      ? [
          {
            setupRequest: (request) => {
              const next = options.nextRequest?.();
              if (!next) return request;
              return {
                ...request,
                path: next.path,
                body: next.body,
                headers: { ...request.headers, "content-type": "application/json", ...next.headers },
              };
            },
            onResponse: (status) => {
              if (!ok.has(status)) failures += 1;
            },
          },
        ]
      : undefined,
  });
  const completed = result.requests.total;
  return {
    name: options.name,
    requestsPerSecond: completed / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    completed,
    failures: options.nextRequest ? failures + result.errors + result.timeouts : result.non2xx + result.errors,
  };
}
