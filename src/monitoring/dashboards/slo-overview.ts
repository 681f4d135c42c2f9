// The SLO overview: one row per environment with each service's availability against the target, how fast it burns
// its error budget (against the burn rates the alerts page or ticket on) and its p99 against the latency SLO.

import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { DashboardBuilder, RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { ENVIRONMENT_NAMES, type PipelineConfig } from "../../config/index.js";
import { RECORDED } from "../recording-rules.js";
import { TARGET_LABELS } from "../scrape-config.js";
import { BURN_RATE_ALERTS, errorBudget, latencyThresholdSeconds } from "../slo-alerts.js";
import { DASHBOARD_TAGS, datasourceVariable, query, timeseries, withLines, withTargetLine } from "./panels.js";

/** The uid of the SLO overview dashboard. */
export const SLO_DASHBOARD_UID = "shop-slo-overview";

/** Availability, error-budget burn and p99 of every service, per environment of pipeline.yaml. */
export function sloOverviewDashboard(config: PipelineConfig): Dashboard {
  const builder = new DashboardBuilder("Shop / SLO overview")
    .uid(SLO_DASHBOARD_UID)
    .description("Every service against its environment's SLO in pipeline.yaml (generated)")
    .tags([...DASHBOARD_TAGS, "slo"])
    .time({ from: "now-7d", to: "now" })
    .refresh("5m")
    .withVariable(datasourceVariable());
  const service = `{{${TARGET_LABELS.service}}}`;
  let id = 0;
  for (const env of ENVIRONMENT_NAMES) {
    const { namespace, slo } = config.environments[env];
    const ns = `{${TARGET_LABELS.namespace}=${JSON.stringify(namespace)}}`;
    const budget = errorBudget(slo);
    // The longest window recorded; a 30-day availability would need a 30-day rate, which no rule records.
    const availability = timeseries(++id, `${env}: availability over 3d (target ${slo.availability})`, "percentunit", 8)
      .max(1)
      .withTarget(query("A", `1 - ${RECORDED.serviceErrorRatio("3d")}${ns}`, service));
    const burn = timeseries(++id, `${env}: error budget burn rate (budget ${budget})`, "x", 8).min(0);
    BURN_RATE_ALERTS.forEach((alert, index) => {
      burn.withTarget(
        query(
          String.fromCharCode(65 + index),
          `${RECORDED.serviceErrorRatio(alert.longWindow)}${ns} / ${budget}`,
          `${service} ${alert.longWindow} (${alert.severity} over ${alert.factor}x)`,
        ),
      );
    });
    const p99Target = latencyThresholdSeconds(slo);
    const p99 = timeseries(++id, `${env}: p99 latency (SLO ${slo.p99LatencyMs} ms)`, "s", 8)
      .min(0)
      .withTarget(query("A", `${RECORDED.serviceP99}${ns}`, service));
    builder
      .withRow(new RowBuilder(`${env} (${namespace})`).id(++id))
      .withPanel(withTargetLine(availability, slo.availability, "below"))
      .withPanel(
        withLines(
          burn,
          "green",
          [...BURN_RATE_ALERTS]
            .sort((a, b) => a.factor - b.factor)
            .map((alert) => ({ value: alert.factor, color: alert.severity === "page" ? "red" : "orange" })),
        ),
      )
      .withPanel(withTargetLine(p99, p99Target, "above"));
  }
  return builder.build();
}
