// Building blocks the shop's dashboards share: the Prometheus data source variable, query and panel helpers.

import { GraphThresholdsStyleConfigBuilder, GraphThresholdsStyleMode } from "@grafana/grafana-foundation-sdk/common";
import {
  DatasourceVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as TimeseriesBuilder } from "@grafana/grafana-foundation-sdk/timeseries";

/** Name of the data source variable every panel and annotation queries through. */
export const DATASOURCE_VARIABLE = "datasource";

/** The Prometheus data source as panels refer to it: whichever the dashboard's variable selects. */
export const PROMETHEUS = { type: "prometheus", uid: `\${${DATASOURCE_VARIABLE}}` } as const;

/** Tags every generated dashboard carries, so they can be found (and replaced) as a set. */
export const DASHBOARD_TAGS = ["shop", "generated"];

/** A variable choosing among the Prometheus data sources of the Grafana it is loaded into. */
export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(DATASOURCE_VARIABLE).label("Prometheus").type("prometheus");
}

/** One PromQL query with its legend. */
export function query(refId: string, expr: string, legend: string): DataqueryBuilder {
  return new DataqueryBuilder().refId(refId).expr(expr).legendFormat(legend);
}

/** A time series panel on the Prometheus variable, `width` of 24 columns wide. */
export function timeseries(id: number, title: string, unit: string, width: number): TimeseriesBuilder {
  return new TimeseriesBuilder().id(id).title(title).unit(unit).datasource(PROMETHEUS).span(width).height(8);
}

/** Draws `value` as a dashed line, the target a series is judged against; `bad` says which side is red. */
export function withTargetLine(panel: TimeseriesBuilder, value: number, bad: "above" | "below"): TimeseriesBuilder {
  return bad === "above"
    ? withLines(panel, "green", [{ value, color: "red" }])
    : withLines(panel, "red", [{ value, color: "green" }]);
}

/** Draws dashed threshold lines at ascending `steps`; `base` colours what lies below the first. */
export function withLines(
  panel: TimeseriesBuilder,
  base: string,
  steps: readonly { value: number; color: string }[],
): TimeseriesBuilder {
  return panel
    .thresholds(
      new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: base }, ...steps]),
    )
    .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
}
