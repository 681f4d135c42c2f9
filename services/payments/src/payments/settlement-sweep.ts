import type { FastifyBaseLogger } from "fastify";
import type { StaleSettler } from "./settle-stale.js";

/** Sweeps for stale payments at start and then every `intervalMs`, one sweep at a time; `stop()` waits for it. */
export function startSettlementSweep(options: {
  intervalMs: number;
  settler: StaleSettler;
  logger: FastifyBaseLogger;
}) {
  let running: Promise<void> | null = null;
  const sweepOnce = () => {
    running ??= options.settler
      .sweep()
      .then((settled) => {
        if (settled > 0) options.logger.info({ settled }, "settlement sweep");
      })
      .catch((error: unknown) => options.logger.error({ err: error }, "settlement sweep failed"))
      .finally(() => {
        running = null;
      });
  };
  sweepOnce();
  const timer = setInterval(sweepOnce, options.intervalMs);
  timer.unref();

  return {
    async stop(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}
