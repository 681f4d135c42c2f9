// promtool unit tests (`promtool test rules`) for every alert of every environment, generated from the same
// thresholds the rules are rendered from (slo-alerts.ts), so a changed SLO in pipeline.yaml moves both at once.
// Each burn-rate test feeds a service whose errors start after a healthy long window and proves three moments:
// the short window alone over the threshold does not fire, both windows over it fire, and once errors stop the
// short window resets the alert while the long window is still over. A second service at 0.8x the threshold
// never fires. The latency test does the same with a histogram: a sustained slow share fires after `for`, a
// shorter spike and a small slow share never do.
import type { EnvironmentName, PipelineConfig } from "../../../src/config/index.js";
import { ENVIRONMENT_NAMES } from "../../../src/config/index.js";
import {
  type AlertingRule,
  RECORDED,
  REQUEST_HISTOGRAM,
  type SloWindow,
} from "../../../src/monitoring/recording-rules.js";
import {
  BURN_RATE_ALERTS,
  type BurnRateAlert,
  burnThreshold,
  environmentAlertGroup,
  LATENCY_ALERT,
  latencyThresholdSeconds,
} from "../../../src/monitoring/slo-alerts.js";

const MINUTES: Record<SloWindow, number> = { "5m": 5, "30m": 30, "1h": 60, "6h": 360, "3d": 4320 };
/**
 * Input and evaluation interval per alert: coarse enough to keep the 3-day tests fast, and under Prometheus' 5m
 * lookback. promtool evaluates the rule groups of one step in no fixed order, so an alert may read the recorded
 * series of the step before; with a step of 5m or more those have gone stale and the alert sees nothing.
 */
const STEP_MINUTES: Record<string, number> = {
  ShopErrorBudgetBurnFast: 1,
  ShopErrorBudgetBurnSlow: 2,
  ShopErrorBudgetBurnTicket: 4,
  [LATENCY_ALERT.alert]: 1,
};
/** Requests per step of every test service. */
const PER_STEP = 10_000;
const REVISION = "0123456789ab";

interface Series {
  readonly series: string;
  readonly values: string;
}

interface TestGroup {
  readonly name: string;
  readonly interval: string;
  readonly input_series: Series[];
  readonly alert_rule_test: { eval_time: string; alertname: string; exp_alerts: unknown[] }[];
  readonly promql_expr_test: { expr: string; eval_time: string; exp_samples: unknown[] }[];
}

/**
 * promtool test files for `rulesFile` (a path relative to them), one per input interval: promtool evaluates every
 * test of a file at the file's evaluation_interval, and the 3-day tests would take minutes at one minute.
 */
export function alertTestFiles(config: PipelineConfig, rulesFile: string) {
  const tests = ENVIRONMENT_NAMES.flatMap((env) => [
    ...BURN_RATE_ALERTS.map((burn) => burnTest(config, env, burn)),
    latencyTest(config, env),
  ]);
  const byInterval = new Map<string, TestGroup[]>();
  for (const test of tests) byInterval.set(test.interval, [...(byInterval.get(test.interval) ?? []), test]);
  return [...byInterval].map(([interval, groups]) => ({
    interval,
    alerts: groups.flatMap((group) => group.alert_rule_test.map((t) => t.alertname)),
    file: { rule_files: [rulesFile], evaluation_interval: interval, tests: groups },
  }));
}

/** The target labels (and the exported_service label the histogram's own `service` becomes) of a test pod. */
function labels(namespace: string, service: string, extra: Record<string, string>): string {
  const all = {
    job: "shop-pods",
    instance: `10.0.0.1:3000`,
    namespace,
    pod: `${service}-7d9f8b6c5-abcde`,
    service,
    exported_service: service,
    pod_template_hash: "7d9f8b6c5",
    revision: REVISION,
    route: "/things",
    method: "GET",
    ...extra,
  };
  return `{${Object.entries(all)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(", ")}}`;
}

/** A counter in promtool's series notation: starts at 0, then each segment adds `perStep` for `steps` steps. */
export function counter(segments: readonly (readonly [perStep: number, steps: number])[]): string {
  const tokens = ["0"];
  let value = 0;
  for (const [perStep, steps] of segments) {
    if (steps <= 0) continue;
    tokens.push(`${round(value + perStep)}+${round(perStep)}x${steps - 1}`);
    value += perStep * steps;
  }
  return tokens.join(" ");
}

function burnTest(config: PipelineConfig, env: EnvironmentName, burn: BurnRateAlert): TestGroup {
  const { namespace, slo } = config.environments[env];
  const threshold = burnThreshold(slo, burn);
  const stepMinutes = STEP_MINUTES[burn.alert] ?? 1;
  const long = MINUTES[burn.longWindow] / stepMinutes;
  const short = MINUTES[burn.shortWindow] / stepMinutes;
  const spikeRatio = 2 * threshold;
  if (spikeRatio > 1) throw new Error(`${env} ${burn.alert}: threshold ${threshold} leaves no room for a scenario`);
  // Errors run for nearly a long window: long enough for both windows to cross, short enough that the whole
  // spike still sits inside the long window when the short window has emptied.
  const spike = long - 2 * short - 1;
  const tail = 2 * short + 2;
  const at = {
    shortOnly: long + Math.round(0.25 * long),
    both: long + Math.round(0.75 * long),
    reset: long + spike + 2 * short,
  };
  const steady = 0.8 * threshold;
  const count = (service: string, status: string, segments: [number, number][]): Series => ({
    series: `${REQUEST_HISTOGRAM}_count${labels(namespace, service, { status_code: status })}`,
    values: counter(segments),
  });
  const minutes = (steps: number) => `${steps * stepMinutes}m`;
  const over = (window: SloWindow) => `${RECORDED.serviceErrorRatio(window)}{service="api"} > bool ${threshold}`;
  const sample = (value: number) => ({ labels: `{namespace="${namespace}", service="api"}`, value });
  const rule = alertRule(config, env, burn.alert);
  return {
    name: `${env}: ${burn.alert} (${burn.longWindow} and ${burn.shortWindow} over ${threshold})`,
    interval: `${stepMinutes}m`,
    input_series: [
      count("api", "200", [
        [PER_STEP, long],
        [PER_STEP * (1 - spikeRatio), spike],
        [PER_STEP, tail],
      ]),
      count("api", "503", [
        [0, long],
        [PER_STEP * spikeRatio, spike],
        [0, tail],
      ]),
      count("payments", "200", [[PER_STEP * (1 - steady), long + spike + tail]]),
      count("payments", "500", [[PER_STEP * steady, long + spike + tail]]),
    ],
    alert_rule_test: [
      { eval_time: minutes(at.shortOnly), alertname: burn.alert, exp_alerts: [] },
      { eval_time: minutes(at.both), alertname: burn.alert, exp_alerts: [expected(rule, namespace, "api")] },
      { eval_time: minutes(at.reset), alertname: burn.alert, exp_alerts: [] },
    ],
    promql_expr_test: [
      // The silent moments are silent because of the other window, not because nothing was measured.
      { expr: over(burn.shortWindow), eval_time: minutes(at.shortOnly), exp_samples: [sample(1)] },
      { expr: over(burn.longWindow), eval_time: minutes(at.shortOnly), exp_samples: [sample(0)] },
      { expr: over(burn.longWindow), eval_time: minutes(at.reset), exp_samples: [sample(1)] },
      { expr: over(burn.shortWindow), eval_time: minutes(at.reset), exp_samples: [sample(0)] },
    ],
  };
}

function latencyTest(config: PipelineConfig, env: EnvironmentName): TestGroup {
  const { namespace, slo } = config.environments[env];
  const threshold = latencyThresholdSeconds(slo);
  if (threshold <= 0.05) throw new Error(`${env}: the latency scenario needs a p99 SLO above 50 ms`);
  const forMinutes = Number.parseInt(LATENCY_ALERT.for, 10);
  const healthy = 10;
  const slowSteps = forMinutes + 10;
  const total = healthy + slowSteps + 10;
  // Buckets: fast answers at or under 50 ms, slow ones up to twice the SLO. With 5% slow the p99 lands inside
  // the slow bucket (1.6x the SLO); with 0.5% slow it stays in the fast one.
  const histogram = (service: string, slowShare: [number, number][]): Series[] => {
    const bucket = (le: string, segments: [number, number][]) => ({
      series: `${REQUEST_HISTOGRAM}_bucket${labels(namespace, service, { status_code: "200", le })}`,
      values: counter(segments),
    });
    const fast = slowShare.map(([share, steps]): [number, number] => [PER_STEP * (1 - share), steps]);
    const all = slowShare.map(([, steps]): [number, number] => [PER_STEP, steps]);
    return [bucket("0.05", fast), bucket(String(2 * threshold), all), bucket("+Inf", all)];
  };
  const rule = alertRule(config, env, LATENCY_ALERT.alert);
  return {
    name: `${env}: ${LATENCY_ALERT.alert} (p99 over ${threshold} s for ${LATENCY_ALERT.for})`,
    interval: "1m",
    input_series: [
      ...histogram("api", [
        [0, healthy],
        [0.05, slowSteps],
        [0, total - healthy - slowSteps],
      ]),
      ...histogram("checkout", [[0.005, total]]),
      ...histogram("payments", [
        [0, healthy],
        [0.05, 4],
        [0, total - healthy - 4],
      ]),
    ],
    alert_rule_test: [
      // Over the SLO from about 2 minutes into the slow phase; pending, not firing, until `for` has passed.
      { eval_time: `${healthy + forMinutes - 2}m`, alertname: LATENCY_ALERT.alert, exp_alerts: [] },
      {
        eval_time: `${healthy + forMinutes + 5}m`,
        alertname: LATENCY_ALERT.alert,
        exp_alerts: [expected(rule, namespace, "api")],
      },
      { eval_time: `${total}m`, alertname: LATENCY_ALERT.alert, exp_alerts: [] },
    ],
    promql_expr_test: [
      {
        expr: `${RECORDED.serviceP99}{service="payments"} > bool ${threshold}`,
        eval_time: `${healthy + 3}m`,
        exp_samples: [{ labels: `{namespace="${namespace}", service="payments"}`, value: 1 }],
      },
    ],
  };
}

function alertRule(config: PipelineConfig, env: EnvironmentName, name: string): AlertingRule {
  const rule = environmentAlertGroup(env, config.environments[env]).rules.find((r) => "alert" in r && r.alert === name);
  if (!rule || !("alert" in rule)) throw new Error(`no alert ${name} in ${env}`);
  return rule;
}

/** The alert promtool should see: the rule's labels on the series' labels, annotations with $labels filled in. */
function expected(rule: AlertingRule, namespace: string, service: string) {
  const values: Record<string, string> = { namespace, service };
  const fill = (text: string) => text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => values[name] ?? "");
  return {
    exp_labels: { ...values, ...rule.labels },
    exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, fill(v)])),
  };
}

function round(value: number): number {
  return Number(value.toPrecision(12));
}
