// One dashboard per service: its RED signals (rate, errors, duration) split by revision, in the namespace the
// environment variable selects, with the moments a revision started or stopped serving marked on every panel.

import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import {
  AnnotationQueryBuilder,
  CustomVariableBuilder,
  DashboardBuilder,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { ENVIRONMENT_NAMES, type PipelineConfig } from "../../config/index.js";
import { RECORDED } from "../recording-rules.js";
import { TARGET_LABELS } from "../scrape-config.js";
import { DASHBOARD_TAGS, datasourceVariable, PROMETHEUS, query, timeseries } from "./panels.js";

/** Name of the variable holding the selected environment's namespace. */
export const NAMESPACE_VARIABLE = "namespace";

/** The uid of a service's dashboard (stable, so a reload replaces it instead of adding a copy). */
export function serviceDashboardUid(service: string): string {
  return `shop-service-${service}`;
}

/** The RED dashboard of one service of pipeline.yaml. */
export function serviceDashboard(config: PipelineConfig, service: string): Dashboard {
  if (!(service in config.services))
    throw new Error(`serviceDashboard: pipeline.yaml declares no service "${service}"`);
  const { namespace: nsLabel, service: serviceLabel, revision } = TARGET_LABELS;
  const selector = `{${nsLabel}="$${NAMESPACE_VARIABLE}", ${serviceLabel}=${JSON.stringify(service)}}`;
  const byRevision = `{{${revision}}}`;
  const podsUp = `count by (${revision}) (up${selector} == 1)`;
  // The series of revisions whose pods answer scrapes now but did not 2 minutes ago, and the reverse: a deploy
  // shows the new revision appear and later the old one leave; a rollback shows the bad revision leave.
  const appeared = `${podsUp} unless count by (${revision}) (up${selector} offset 2m == 1)`;
  const left = `count by (${revision}) (up${selector} offset 2m == 1) unless ${podsUp}`;
  const environments = ENVIRONMENT_NAMES.map((env) => `${env} : ${config.environments[env].namespace}`).join(",");

  return new DashboardBuilder(`Shop / ${service}`)
    .uid(serviceDashboardUid(service))
    .description(`Requests, 5xx ratio and latency of ${service} by revision (generated from pipeline.yaml)`)
    .tags([...DASHBOARD_TAGS, service])
    .time({ from: "now-6h", to: "now" })
    .refresh("1m")
    .withVariable(datasourceVariable())
    .withVariable(
      new CustomVariableBuilder(NAMESPACE_VARIABLE)
        .label("Environment")
        .values(environments)
        .current({ text: "prod", value: config.environments.prod.namespace }),
    )
    .annotation(
      new AnnotationQueryBuilder()
        .name("Revision started serving")
        .datasource(PROMETHEUS)
        .enable(true)
        .iconColor("blue")
        .expr(appeared)
        .step("1m")
        .titleFormat(`revision {{${revision}}} started serving`)
        .tagKeys(revision),
    )
    .annotation(
      new AnnotationQueryBuilder()
        .name("Revision stopped serving")
        .datasource(PROMETHEUS)
        .enable(true)
        .iconColor("orange")
        .expr(left)
        .step("1m")
        .titleFormat(`revision {{${revision}}} stopped serving`)
        .tagKeys(revision),
    )
    .withPanel(
      timeseries(1, "Requests per second by revision", "reqps", 12).withTarget(
        query("A", `${RECORDED.revisionRequests}${selector}`, byRevision),
      ),
    )
    .withPanel(
      timeseries(2, "5xx ratio by revision", "percentunit", 12)
        .min(0)
        .withTarget(query("A", `${RECORDED.revisionErrorRatio}${selector}`, byRevision)),
    )
    .withPanel(
      timeseries(3, "Latency p50 and p99 by revision", "s", 12)
        .withTarget(query("A", `${RECORDED.revisionP50}${selector}`, `p50 ${byRevision}`))
        .withTarget(query("B", `${RECORDED.revisionP99}${selector}`, `p99 ${byRevision}`)),
    )
    .withPanel(
      timeseries(4, "Pods up by revision", "short", 12)
        .min(0)
        .withTarget(query("A", podsUp, byRevision)),
    )
    .build();
}
