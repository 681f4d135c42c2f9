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
  /** One JSON body sent with every request (when `nextRequest` does not build each one). */
  readonly body?: string;
  /** Builds each request; return undefined to stop issuing requests. */
  readonly nextRequest?: () => { path: string; body?: string; headers?: Record<string, string> } | undefined;
  /** Status codes that count as success. */
  readonly okStatuses?: readonly number[];
}

/**
 * `seconds` of the same load, unmeasured, before a measured run: the JIT compiles the route's code first, so a ratio
 * compares steady states instead of one warm process with one that is still compiling. Not for `nextRequest` loads
 * (a warm-up would use up its carts).
 */
export async function warmUp(options: LoadOptions, seconds: number): Promise<void> {
  if (options.nextRequest) throw new Error(`${options.name}: a warm-up would spend nextRequest's requests`);
  await autocannon({ url: options.url, connections: options.connections, duration: seconds, ...fixedRequest(options) });
}

function fixedRequest(options: LoadOptions) {
  const method = options.method ?? "GET";
  if (options.body === undefined) return { method };
  return { method, body: options.body, headers: { "content-type": "application/json" } };
}

/** Drives `url` with autocannon for a bounded time and count. */
export async function runLoad(options: LoadOptions): Promise<PhaseResult> {
  const ok = new Set(options.okStatuses ?? [200]);
  let failures = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    amount: options.maxRequests,
    ...fixedRequest(options),
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

/** Two loads measured in alternating rounds, and the ratio `second / first` of each round. */
export interface AlternatedLoads {
  readonly first: PhaseResult;
  readonly second: PhaseResult;
  readonly ratios: readonly number[];
}

/**
 * Measures `second` against `first` in `rounds` alternating pairs (each warmed up first), so a ratio compares two
 * measurements seconds apart: a spell of noise from outside (another tenant of the host, a migrated vCPU) moves one
 * round's pair together instead of only one side of a single long pair.
 */
export async function alternate(
  first: LoadOptions,
  second: LoadOptions,
  rounds: number,
  warmupSeconds: number,
): Promise<AlternatedLoads> {
  await warmUp(first, warmupSeconds);
  await warmUp(second, warmupSeconds);
  const firsts: PhaseResult[] = [];
  const seconds: PhaseResult[] = [];
  for (let round = 0; round < rounds; round++) {
    firsts.push(await runLoad(first));
    seconds.push(await runLoad(second));
  }
  return {
    first: mergeRounds(firsts),
    second: mergeRounds(seconds),
    ratios: seconds.map((result, round) => result.requestsPerSecond / (firsts[round]?.requestsPerSecond || 1)),
  };
}

/** One result for several rounds of a load: all requests over all time, the median p50 and the worst p99. */
function mergeRounds(rounds: readonly PhaseResult[]): PhaseResult {
  const [head] = rounds;
  if (!head) throw new Error("no rounds to merge");
  const completed = rounds.reduce((sum, r) => sum + r.completed, 0);
  const seconds = rounds.reduce((sum, r) => sum + (r.requestsPerSecond > 0 ? r.completed / r.requestsPerSecond : 0), 0);
  return {
    name: head.name,
    requestsPerSecond: seconds > 0 ? completed / seconds : 0,
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: Math.max(...rounds.map((r) => r.p99Ms)),
    completed,
    failures: rounds.reduce((sum, r) => sum + r.failures, 0),
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
