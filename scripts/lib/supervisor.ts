import { setTimeout as sleep } from "node:timers/promises";
import { type BackoffPolicy, DEFAULT_BACKOFF, nextRestart, type RestartPlan } from "./restart-backoff.js";
import type { ProcessExit, ServiceProcess } from "./service-process.js";

/** What a supervisor needs of a service's process. */
export type SupervisedProcess = Pick<
  ServiceProcess,
  "spec" | "pid" | "start" | "stop" | "kill" | "whenExited" | "recentLogLines"
>;

/** What a supervisor tells its owner, in the order it happens. */
export type SupervisorEvent =
  | {
      readonly type: "exited";
      readonly service: string;
      readonly exit: ProcessExit;
      readonly uptimeMs: number;
      /** The service's last raw log lines before it died. */
      readonly lastLines: readonly string[];
    }
  | { readonly type: "restarting"; readonly service: string; readonly delayMs: number; readonly attempt: number }
  | { readonly type: "restarted"; readonly service: string; readonly pid: number | undefined }
  | {
      readonly type: "restart-failed";
      readonly service: string;
      readonly reason: string;
      readonly lastLines: readonly string[];
    };

export interface SupervisorOptions {
  readonly onEvent: (event: SupervisorEvent) => void;
  readonly backoff?: BackoffPolicy;
}

/** Running services watched by a supervisor; `stop` ends the watching and the services. */
export interface Supervisor {
  /** Cancels pending restarts, then stops every service (SIGTERM, as `ServiceProcess.stop`). */
  stop(): Promise<void>;
}

/**
 * Watches services that are already running: when one dies, reports how (code or signal, its last log lines) and
 * restarts it after a delay that doubles while it keeps dying (see restart-backoff.ts). A restart that does not get
 * healthy is reported and retried on the same backoff.
 */
export function supervise(services: readonly SupervisedProcess[], options: SupervisorOptions): Supervisor {
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const stopped = new AbortController();
  const pause = (ms: number) => sleep(ms, undefined, { signal: stopped.signal }).catch(() => undefined);

  /** Restarts until one start gets healthy or the supervisor stops. */
  const restart = async (service: SupervisedProcess, first: RestartPlan): Promise<RestartPlan> => {
    const name = service.spec.name;
    for (let plan = first; ; plan = nextRestart(plan, 0, policy)) {
      options.onEvent({ type: "restarting", service: name, ...plan });
      await pause(plan.delayMs);
      if (stopped.signal.aborted) return plan;
      try {
        await service.start();
        options.onEvent({ type: "restarted", service: name, pid: service.pid });
        return plan;
      } catch (error) {
        // stop() killed the process that was starting: that is no failure to report.
        if (stopped.signal.aborted) return plan;
        await service.kill();
        const reason = (error as Error).message;
        options.onEvent({ type: "restart-failed", service: name, reason, lastLines: service.recentLogLines() });
      }
    }
  };

  const watch = async (service: SupervisedProcess) => {
    let plan: RestartPlan | undefined;
    let upSince = Date.now();
    for (;;) {
      const exit = await service.whenExited();
      if (stopped.signal.aborted) return;
      const uptimeMs = Date.now() - upSince;
      const lastLines = service.recentLogLines();
      options.onEvent({ type: "exited", service: service.spec.name, exit, uptimeMs, lastLines });
      plan = await restart(service, nextRestart(plan, uptimeMs, policy));
      upSince = Date.now();
    }
  };
  const watching = services.map(watch);

  return {
    async stop() {
      stopped.abort();
      await Promise.all(services.map((service) => service.stop()));
      await Promise.all(watching);
    },
  };
}
