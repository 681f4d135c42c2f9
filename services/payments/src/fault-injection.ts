import { z } from "zod";

/** The steps of a charge where a test can make payments die, in the order they happen. */
export const CRASH_POINTS = ["before-row", "after-row", "after-provider", "after-update"] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** `PAYMENTS_FAULT`: `crash-at:<point>`, for the tests that kill payments at every step of a charge. */
export const paymentsFaultSchema = z
  .enum(CRASH_POINTS.map((point) => `crash-at:${point}` as const))
  .optional()
  .transform((fault) => (fault ? (fault.slice("crash-at:".length) as CrashPoint) : null));

/** Called at each crash point; SIGKILLs this process at the configured one (no cleanup, as a real crash). */
export type CrashHook = (point: CrashPoint) => void;

export function crashHook(crashAt: CrashPoint | null): CrashHook {
  if (crashAt === null) return () => undefined;
  return (point) => {
    if (point === crashAt) process.kill(process.pid, "SIGKILL");
  };
}
