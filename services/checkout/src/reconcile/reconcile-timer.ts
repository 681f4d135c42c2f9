import type { Logger } from "pino";

/** Runs `pass` every `intervalMs`, never two at once; `stop()` cancels the next run and waits for the current one. */
export function startReconcileTimer(options: { intervalMs: number; pass: () => Promise<unknown>; logger: Logger }) {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const schedule = () => {
    timer = setTimeout(() => {
      running = options
        .pass()
        .catch((error: unknown) => options.logger.error({ err: error }, "reconciliation pass failed"))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, options.intervalMs);
    timer.unref();
  };
  schedule();

  return {
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
