import { setTimeout as sleep } from "node:timers/promises";
import { ClusterError } from "./errors.js";

/** Options for {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this many milliseconds. */
  readonly timeoutMs: number;
  /** Pause between attempts, in milliseconds. */
  readonly intervalMs?: number;
}

/** A probe's answer "not yet", with the reason shown if the wait gives up. */
export class NotYet {
  constructor(readonly reason: string) {}
}

/** Says "not yet" from a probe. */
export function notYet(reason: string): NotYet {
  return new NotYet(reason);
}

/**
 * Polls `probe` until it returns a value rather than {@link notYet}, or fails naming what it waited
 * for and the last reason the probe gave (its `notYet` or a thrown error).
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | NotYet>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastReason = "no attempt finished";
  for (;;) {
    try {
      const result = await probe();
      if (!(result instanceof NotYet)) return result;
      lastReason = result.reason;
    } catch (error) {
      lastReason = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      throw new ClusterError(
        "timeout",
        `gave up after ${options.timeoutMs / 1000}s waiting for ${what}: ${lastReason}`,
      );
    }
    await sleep(options.intervalMs ?? 250);
  }
}
