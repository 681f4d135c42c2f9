import { setTimeout as sleep } from "node:timers/promises";
import { ClusterError } from "./errors.js";

/** Options for {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this many milliseconds. */
  readonly timeoutMs: number;
  /** Pause between attempts, in milliseconds. */
  readonly intervalMs?: number;
}

/**
 * Polls `probe` until it returns a value other than `undefined`, or fails naming what it waited for
 * and the last reason the probe gave (a returned string or a thrown error).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | { readonly notYet: string }>,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastReason = "no attempt finished";
  for (;;) {
    try {
      const result = await probe();
      if (isNotYet(result)) lastReason = result.notYet;
      else if (result !== undefined) return result;
      else lastReason = "not yet";
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

function isNotYet(value: unknown): value is { readonly notYet: string } {
  return typeof value === "object" && value !== null && "notYet" in value;
}
