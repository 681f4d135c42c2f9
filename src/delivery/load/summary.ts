// The summary a load run returns: plain JSON-friendly data for the release record and the deploy report.
import type { LoadTally } from "./tally.js";

/** Why the load stopped. */
export type LoadStopReason =
  /** Its duration was up. */
  | "duration"
  /** It had sent rate × duration requests. */
  | "request-limit"
  /** The work it ran alongside ended ({@link withSyntheticLoad}). */
  | "work-ended"
  /** The caller's AbortSignal fired. */
  | "aborted"
  /** Too many connection errors and timeouts: nothing was answering. */
  | "connection-errors";

/** What one run of synthetic load did and measured. */
export interface LoadSummary {
  readonly baseUrl: string;
  readonly stoppedBy: LoadStopReason;
  /** From the first request to the last answer (or the end of the drain). */
  readonly elapsedMs: number;
  /** What was asked for, after clamping (connections never exceed the rate). */
  readonly limits: {
    readonly ratePerSecond: number;
    readonly concurrency: number;
    readonly durationMs: number;
    readonly maxRequests: number;
  };
  readonly requests: {
    readonly sent: number;
    readonly answered: number;
    /** Answers by status code, e.g. { "200": 31, "303": 12 }. */
    readonly byStatus: Readonly<Record<string, number>>;
  };
  /** Everything that was neither 2xx nor 3xx, by kind; `unexpected` also counts 2xx/3xx a step did not expect. */
  readonly failures: {
    readonly clientErrors: number;
    readonly serverErrors: number;
    readonly connectionErrors: number;
    readonly timeouts: number;
    readonly unexpected: number;
  };
  readonly catalogReads: { readonly completed: number; readonly failed: number };
  /** Purchase visits: started = the sum of the outcomes. */
  readonly purchases: {
    readonly started: number;
    /** Paid: the storefront redirected to the order. */
    readonly completed: number;
    readonly declined: number;
    /** The payment was still being confirmed when the storefront answered. */
    readonly pending: number;
    /** Sold out, or the order was refused with 409. */
    readonly refused: number;
    readonly failed: number;
    /** The payment was sent and its answer never came (the load stopped or the connection broke). */
    readonly outcomeUnknown: number;
    /** Left half-way, before paying, when the load stopped. */
    readonly abandoned: number;
    /** Ids of the completed orders (the first 1,000). */
    readonly orderIds: readonly string[];
  };
  /** Latency of every answer, any status, in milliseconds. */
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  /** Answers per second over `elapsedMs`. */
  readonly achievedRatePerSecond: number;
  /** What went wrong, counted: "POST /checkout: HTTP 500" → 2 (the first 20 distinct texts). */
  readonly problems: Readonly<Record<string, number>>;
}

/** What the load tool measured itself. */
export interface ToolFigures {
  /** Connection errors and timeouts together, as the tool counts them. */
  readonly errors: number;
  readonly timeouts: number;
  readonly p50: number;
  readonly p99: number;
}

/** Builds the summary from the shoppers' tally and the load tool's figures. */
export function summarise(
  tally: LoadTally,
  tool: ToolFigures,
  run: { baseUrl: string; stoppedBy: LoadStopReason; elapsedMs: number; limits: LoadSummary["limits"] },
): LoadSummary {
  const p = tally.purchases;
  return {
    baseUrl: run.baseUrl,
    stoppedBy: run.stoppedBy,
    elapsedMs: run.elapsedMs,
    limits: run.limits,
    requests: {
      sent: tally.sent,
      answered: tally.answered,
      byStatus: Object.fromEntries([...tally.statusCodes].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n])),
    },
    failures: {
      clientErrors: tally.countOfClass(4),
      serverErrors: tally.countOfClass(5),
      connectionErrors: tool.errors - tool.timeouts,
      timeouts: tool.timeouts,
      unexpected: tally.unexpected,
    },
    catalogReads: { ...tally.catalogReads },
    purchases: { started: tally.purchasesStarted, ...p, orderIds: [...tally.orderIds] },
    latencyMs: { p50: tool.p50, p99: tool.p99 },
    achievedRatePerSecond: run.elapsedMs > 0 ? Math.round((tally.answered / run.elapsedMs) * 1000 * 100) / 100 : 0,
    problems: Object.fromEntries(tally.problems),
  };
}
