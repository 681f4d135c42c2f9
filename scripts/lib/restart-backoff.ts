/** How long a supervisor waits before restarting a service that died. */
export interface BackoffPolicy {
  /** Delay before the first restart, and again once a service has stayed up for `resetAfterMs`. */
  readonly initialMs: number;
  /** Upper bound: delays double up to this. */
  readonly maxMs: number;
  /** A run at least this long counts as healthy: the next crash starts from `initialMs` again. */
  readonly resetAfterMs: number;
}

/** 0.5 s doubling to 10 s; a service that stayed up for 30 s starts from 0.5 s again. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 10_000, resetAfterMs: 30_000 };

/** The next restart of a service: how long to wait first, and how many restarts in a row this one is. */
export interface RestartPlan {
  readonly delayMs: number;
  /** 1 for the first restart after a healthy run, counting up while the service keeps dying. */
  readonly attempt: number;
}

/**
 * Plans the restart after a death, from the previous plan (`undefined` before the first restart) and how long the
 * service ran before it died.
 */
export function nextRestart(previous: RestartPlan | undefined, uptimeMs: number, policy: BackoffPolicy): RestartPlan {
  if (previous === undefined || uptimeMs >= policy.resetAfterMs) return { delayMs: policy.initialMs, attempt: 1 };
  return { delayMs: Math.min(previous.delayMs * 2, policy.maxMs), attempt: previous.attempt + 1 };
}
