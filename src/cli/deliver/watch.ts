import { parseArgs } from "node:util";
import { declaredName } from "../../config/index.js";
import { durationMs, isDuration } from "../../delivery/analysis/duration.js";
import { createPrometheusClient } from "../../delivery/analysis/index.js";
import { assertEnvironment } from "../../delivery/manifests/index.js";
import {
  describeSetting,
  type ScalingAction,
  type ScalingHistory,
  scalingPolicy,
  type WatchEvent,
  watchScaling,
} from "../../delivery/scaling/index.js";
import type { Command } from "../runner.js";
import { UsageError } from "../usage.js";
import { ANALYSIS_OPTIONS, PROMETHEUS_URL_VARIABLE, prometheusUrlOf } from "./analysis.js";
import { COMMON_OPTIONS, connect, loadConfig, progressLogger, required } from "./shared.js";

export const WATCH_USAGE = `  deliver watch --env <env> (--once | --for <duration>) [--service <service>]… [--prometheus-url <url>]
                        every scaling.interval: scale a service out when its p99 burns the SLO while its
                        revision is healthy, back in after scaling.stabilizationWindow; each action is recorded
                        and shown by status. Stops at --for (e.g. 1h), after one pass with --once, or on SIGTERM`;

export const watch: Command = async (args, io) => {
  const { values } = parseArgs({
    args,
    options: {
      ...COMMON_OPTIONS,
      ...ANALYSIS_OPTIONS,
      env: { type: "string" },
      service: { type: "string", multiple: true },
      once: { type: "boolean" },
      for: { type: "string" },
    },
  });
  const env = required(values.env, "--env");
  if (values.once && values.for !== undefined) throw new UsageError("give --once or --for, not both");
  if (!values.once && values.for === undefined) {
    throw new UsageError("the watch is bounded: give --once, or --for <duration> such as 1h (run it again to go on)");
  }
  if (values.for !== undefined && !isDuration(values.for)) {
    throw new UsageError(`--for must be a duration such as 30m or 1h, got "${values.for}"`);
  }
  const url = prometheusUrlOf(values);
  if (!url) throw new UsageError(`missing --prometheus-url (or $${PROMETHEUS_URL_VARIABLE}): the watch decides on p99`);
  const config = await loadConfig(values.config);
  assertEnvironment(config, env);
  scalingPolicy(config, env);
  const services = values.service?.map((s) => declaredName("service", s, Object.keys(config.services)));

  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  const lastCode = new Map<string, string>();
  try {
    const summary = await watchScaling({
      config,
      env,
      ...(services ? { services } : {}),
      prometheus: createPrometheusClient({ url }),
      kubeConfig: await connect(values.kubeconfig),
      logger: progressLogger(io),
      ...(values.once ? { once: true } : { forMs: durationMs(values.for as string) }),
      signal: controller.signal,
      onEvent: (event) => {
        // A long watch prints every action, and a hold only when its reason changes kind.
        const code = event.outcome.kind === "hold" ? event.outcome.code : "scaled";
        if (values.once || code === "scaled" || lastCode.get(event.service) !== code) io.out.write(formatEvent(event));
        lastCode.set(event.service, code);
      },
    });
    const stopped = { once: "after one pass", for: `after --for ${values.for}`, signal: "on a signal" };
    io.out.write(
      `watched ${env}: ${summary.evaluations} evaluation${summary.evaluations === 1 ? "" : "s"}, ${summary.actions.length} action${summary.actions.length === 1 ? "" : "s"}; stopped ${stopped[summary.stoppedBy]}\n`,
    );
  } finally {
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
  }
};

/** One line per service and evaluation: what was done, or why not. */
export function formatEvent(event: WatchEvent): string {
  const head = `${event.at} ${event.service}`;
  if (event.outcome.kind === "hold") return `${head} hold (${event.outcome.code}): ${event.outcome.reason}\n`;
  const { action } = event.outcome;
  return `${head} ${action.action} ${action.target} from ${describeSetting(action.from)} to ${describeSetting(action.to)}: ${action.reason}\n`;
}

/** Status lines for the watch's records: the last action per service, and how many came before it. */
export function formatScaling(scaling: Record<string, ScalingHistory>): string[] {
  const services = Object.entries(scaling).filter(([, history]) => history.actions.length > 0);
  if (services.length === 0) return [];
  return [
    "scaling (deliver watch), last action per service:",
    ...services.map(([service, { actions }]) => {
      const a = actions.at(-1) as ScalingAction;
      const earlier = actions.length > 1 ? ` (${actions.length - 1} earlier)` : "";
      return `  ${service} ${a.action} at ${a.at}: ${a.target} from ${describeSetting(a.from)} to ${describeSetting(a.to)}; ${a.reason}${earlier}`;
    }),
  ];
}
