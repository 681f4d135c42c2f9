// Multi-window, multi-burn-rate SLO alerts (Google SRE workbook, "Alerting on SLOs", method 6) and a p99 latency
// alert, one rule group per environment of pipeline.yaml. Each rule selects its environment by namespace and reads
// the series recorded by recording-rules.ts, so the thresholds here are the only place the SLOs become numbers.
import type { EnvironmentConfig, EnvironmentName, PipelineConfig } from "../config/index.js";
import { ENVIRONMENT_NAMES } from "../config/index.js";
import { type AlertingRule, RECORDED, type RuleGroup, type SloWindow } from "./recording-rules.js";
import { TARGET_LABELS } from "./scrape-config.js";

/** One burn-rate alert: both windows must burn the budget faster than `factor` times the sustainable rate. */
export interface BurnRateAlert {
  readonly alert: string;
  readonly severity: "page" | "ticket";
  readonly longWindow: SloWindow;
  readonly shortWindow: SloWindow;
  /** Burn rate: 14.4 spends 2% of a 30-day budget in 1 h, 6 spends 5% in 6 h, 1 spends 10% in 3 days. */
  readonly factor: number;
}

/** The workbook's three burn-rate alerts for a 30-day SLO window. */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  { alert: "ShopErrorBudgetBurnFast", severity: "page", longWindow: "1h", shortWindow: "5m", factor: 14.4 },
  { alert: "ShopErrorBudgetBurnSlow", severity: "page", longWindow: "6h", shortWindow: "30m", factor: 6 },
  { alert: "ShopErrorBudgetBurnTicket", severity: "ticket", longWindow: "3d", shortWindow: "6h", factor: 1 },
];

/** The latency alert: a service's p99 over its environment's p99LatencyMs for this long. */
export const LATENCY_ALERT = { alert: "ShopLatencyP99High", severity: "page", for: "10m" } as const;

/** The share of requests an environment may fail: 1 - availability, rounded so 1 - 0.999 reads 0.001. */
export function errorBudget(slo: EnvironmentConfig["slo"]): number {
  return round(1 - slo.availability);
}

/** The error ratio above which `alert` fires in an environment with this SLO. */
export function burnThreshold(slo: EnvironmentConfig["slo"], alert: BurnRateAlert): number {
  return round(alert.factor * errorBudget(slo));
}

/** The p99 latency SLO in seconds, as the histogram measures it. */
export function latencyThresholdSeconds(slo: EnvironmentConfig["slo"]): number {
  return round(slo.p99LatencyMs / 1000);
}

/** The alert rules of one environment. */
export function environmentAlertGroup(env: EnvironmentName, config: EnvironmentConfig): RuleGroup {
  const ns = `${TARGET_LABELS.namespace}=${JSON.stringify(config.namespace)}`;
  const on = `on (${TARGET_LABELS.namespace}, ${TARGET_LABELS.service})`;
  const budget = errorBudget(config.slo);
  const target = `${percent(config.slo.availability)} availability target, budget ${percent(budget)}`;
  const who = `{{ $labels.${TARGET_LABELS.service} }} in ${env} ({{ $labels.${TARGET_LABELS.namespace} }})`;
  const burnRules: AlertingRule[] = BURN_RATE_ALERTS.map((burn) => {
    const threshold = burnThreshold(config.slo, burn);
    const over = (window: SloWindow) => `${RECORDED.serviceErrorRatio(window)}{${ns}} > ${threshold}`;
    return {
      alert: burn.alert,
      expr: `${over(burn.longWindow)}\nand ${on}\n${over(burn.shortWindow)}`,
      labels: { severity: burn.severity, env },
      annotations: {
        summary: `${who} is burning its error budget faster than ${burn.factor}x the sustainable rate`,
        description:
          `The 5xx ratio of ${who} has been above ${percent(threshold)} (${burn.factor} x the error budget; ` +
          `${target}) over both the last ${burn.longWindow} and the last ${burn.shortWindow}.`,
      },
    };
  });
  const latency = latencyThresholdSeconds(config.slo);
  const latencyRule: AlertingRule = {
    alert: LATENCY_ALERT.alert,
    expr: `${RECORDED.serviceP99}{${ns}} > ${latency}`,
    for: LATENCY_ALERT.for,
    labels: { severity: LATENCY_ALERT.severity, env },
    annotations: {
      summary: `${who} answers slower than its p99 SLO of ${config.slo.p99LatencyMs} ms`,
      description:
        `The 99th percentile request duration of ${who} over 5m has been above ${latency} s ` +
        `(p99LatencyMs ${config.slo.p99LatencyMs} in pipeline.yaml) for ${LATENCY_ALERT.for}.`,
    },
  };
  return { name: `shop-slo-${env}`, rules: [...burnRules, latencyRule] };
}

/** One alert group per environment, in the schema's order. */
export function sloAlertGroups(config: PipelineConfig): RuleGroup[] {
  return ENVIRONMENT_NAMES.map((env) => environmentAlertGroup(env, config.environments[env]));
}

function round(value: number): number {
  return Number(value.toPrecision(12));
}

function percent(ratio: number): string {
  return `${round(ratio * 100)}%`;
}
