// The load driver: autocannon sends the requests at the configured overall rate, one connection per shopper, and
// each shopper decides every next request from the previous answer. Bounded three ways: autocannon's request
// count (rate × duration), our deadline (duration, then a drain no longer than the request timeout) and its
// bail-out after repeated connection errors. An AbortSignal or stop() ends it early.
import autocannon from "autocannon";
import { LoadRunError } from "../errors.js";
import { type LoadOptionsInput, parseLoadOptions } from "./options.js";
import { Shopper } from "./shopper.js";
import { type LoadStopReason, type LoadSummary, summarise } from "./summary.js";
import { LoadTally } from "./tally.js";
import { VisitPlanner } from "./visit-planner.js";

/** A load that is running: `done` resolves with its summary once it has stopped, by itself or through `stop()`. */
export interface RunningLoad {
  /** Stops sending; requests in flight are answered first (for at most the request timeout). Idempotent. */
  stop(reason?: LoadStopReason): void;
  readonly done: Promise<LoadSummary>;
}

// The parts of autocannon's per-connection client that a drain needs. `responseMax` is how autocannon bounds a
// connection's requests: lowering it to what was already sent makes the client close after its current answer.
interface ToolClient {
  reqsMade: number;
  responseMax?: number;
  destroyed?: boolean;
}

// How often autocannon looks at its stop flag, so a stopped load reports within a fifth of a second.
const SAMPLE_INTERVAL_MS = 200;

/** Starts synthetic shoppers against `baseUrl`; throws LoadOptionsError before sending anything if an option is refused. */
export function startSyntheticLoad(input: LoadOptionsInput): RunningLoad {
  const options = parseLoadOptions(input);
  const maxRequests = Math.max(1, Math.floor((options.ratePerSecond * options.durationMs) / 1000));
  const limits = {
    ratePerSecond: options.ratePerSecond,
    // autocannon never opens more connections than the rate, nor more than it may send requests.
    concurrency: Math.min(options.concurrency, options.ratePerSecond, maxRequests),
    durationMs: options.durationMs,
    maxRequests,
  };
  const tally = new LoadTally();
  const summaryOf = (stoppedBy: LoadStopReason, elapsedMs: number, tool = { errors: 0, timeouts: 0, p50: 0, p99: 0 }) =>
    summarise(tally, tool, { baseUrl: options.baseUrl, stoppedBy, elapsedMs, limits });

  if (options.signal?.aborted) return { stop: () => {}, done: Promise.resolve(summaryOf("aborted", 0)) };

  const planner = new VisitPlanner(options.mix);
  const shoppers: Shopper[] = [];
  const clients: ToolClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  let instance: autocannon.Instance | undefined;
  let stoppedBy: LoadStopReason | undefined;
  let finished = false;

  const stop = (reason: LoadStopReason = "aborted") => {
    if (stoppedBy !== undefined || finished) return;
    stoppedBy = reason;
    for (const client of clients) {
      if (!client.destroyed) client.responseMax = Math.max(1, client.reqsMade);
    }
    // A request that is still unanswered after its own timeout is given up on: the tool's hard stop.
    timers.push(setTimeout(() => instance?.stop(), options.requestTimeoutMs + 1_000));
  };
  const onAbort = () => stop("aborted");

  const startedAt = performance.now();
  const done = new Promise<LoadSummary>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.baseUrl,
        connections: limits.concurrency,
        overallRate: options.ratePerSecond,
        amount: maxRequests,
        timeout: options.requestTimeoutMs / 1000,
        bailout: options.maxConnectionErrors,
        sampleInt: SAMPLE_INTERVAL_MS,
        // With a rate, autocannon would "correct" latencies with an expected interval of 1 ms; ours are measured.
        ignoreCoordinatedOmission: true,
        setupClient: (client) => {
          const shopper = new Shopper(planner, tally);
          shoppers.push(shopper);
          clients.push(client as unknown as ToolClient);
          client.setRequests([
            {
              setupRequest: (request) => ({ ...request, ...shopper.next() }),
              onResponse: (status, body, _context, headers) => shopper.answer({ status, body, headers: headers ?? {} }),
            },
          ]);
        },
      },
      (error, result) => {
        finished = true;
        for (const timer of timers) clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        for (const shopper of shoppers) shopper.finish();
        if (error) return reject(new LoadRunError(options.baseUrl, error));
        const reason =
          stoppedBy ?? (result.errors >= options.maxConnectionErrors ? "connection-errors" : "request-limit");
        const tool = {
          errors: result.errors,
          timeouts: result.timeouts,
          p50: result.latency.p50,
          p99: result.latency.p99,
        };
        resolve(summaryOf(reason, Math.round(performance.now() - startedAt), tool));
      },
    );
  });
  if (!finished) {
    timers.push(setTimeout(() => stop("duration"), options.durationMs));
    options.signal?.addEventListener("abort", onAbort, { once: true });
  }
  return { stop, done };
}

/** Runs synthetic shoppers against `baseUrl` until the duration is up, the request count is reached or `signal` fires. */
export function runSyntheticLoad(options: LoadOptionsInput): Promise<LoadSummary> {
  return startSyntheticLoad(options).done;
}
