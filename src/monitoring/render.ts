// Renders every monitoring asset pipeline.yaml implies (rules, alerts, prometheus.yml, Grafana dashboards) as a list
// of files, and writes them under one directory. Rendering is pure; writing is a separate step.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { ENVIRONMENT_NAMES, type PipelineConfig } from "../config/index.js";
import { serviceDashboard, serviceDashboardUid } from "./dashboards/service.js";
import { SLO_DASHBOARD_UID, sloOverviewDashboard } from "./dashboards/slo-overview.js";
import { type RuleGroup, recordingRuleGroups } from "./recording-rules.js";
import { podScrapeJob, prometheusConfig } from "./scrape-config.js";
import { sloAlertGroups } from "./slo-alerts.js";

/** Where each asset goes, relative to the output directory. */
export const MONITORING_PATHS = {
  rules: "prometheus/shop.rules.yml",
  prometheusConfig: "prometheus/prometheus.yml",
  dashboards: "grafana/dashboards",
} as const;

/** One rendered file: its path under the output directory and its text. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

/** Options for {@link renderMonitoring}. */
export interface RenderMonitoringOptions {
  /** Global scrape interval of prometheus.yml; default `15s`. */
  readonly scrapeInterval?: string;
  /** Global rule evaluation interval of prometheus.yml; default `30s`. */
  readonly evaluationInterval?: string;
  /** Kubeconfig for a Prometheus outside the cluster; default the pod's service account. */
  readonly kubeconfigFile?: string;
}

/** A file could not be written: names the file and why. */
export class MonitoringWriteError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot write ${path}: ${(cause as Error).message}`, { cause });
    this.name = "MonitoringWriteError";
  }
}

/** The Prometheus rules file: recording rules first, so alerts read this evaluation's series, then alerts. */
export function rulesFile(config: PipelineConfig): string {
  const groups: RuleGroup[] = [...recordingRuleGroups(), ...sloAlertGroups(config)];
  return `# Generated from pipeline.yaml by \`npm run monitoring -- render\`; edit the generator, not this file.\n${stringify(
    { groups },
    { lineWidth: 0 },
  )}`;
}

/** prometheus.yml: the pod scrape job over every environment's namespace, and the rules file next to it. */
export function prometheusYaml(config: PipelineConfig, options: RenderMonitoringOptions = {}): string {
  const job = podScrapeJob({
    namespaces: ENVIRONMENT_NAMES.map((env) => config.environments[env].namespace),
    ...(options.kubeconfigFile ? { kubeconfigFile: options.kubeconfigFile } : {}),
  });
  const scrape = prometheusConfig({
    scrapeInterval: options.scrapeInterval ?? "15s",
    evaluationInterval: options.evaluationInterval ?? "30s",
    jobs: [job],
  });
  // prometheusConfig renders no rule_files; a top-level key appended to its document is the same YAML mapping.
  // Prometheus resolves rule_files relative to the config file's directory.
  const rules = MONITORING_PATHS.rules.slice(dirname(MONITORING_PATHS.prometheusConfig).length + 1);
  return `${scrape}${stringify({ rule_files: [rules] })}`;
}

/** Every monitoring asset of pipeline.yaml, in a stable order. */
export function renderMonitoring(config: PipelineConfig, options: RenderMonitoringOptions = {}): RenderedFile[] {
  const dashboard = (uid: string, json: unknown): RenderedFile => ({
    path: `${MONITORING_PATHS.dashboards}/${uid}.json`,
    content: `${JSON.stringify(json, null, 2)}\n`,
  });
  return [
    { path: MONITORING_PATHS.rules, content: rulesFile(config) },
    { path: MONITORING_PATHS.prometheusConfig, content: prometheusYaml(config, options) },
    ...Object.keys(config.services).map((service) =>
      dashboard(serviceDashboardUid(service), serviceDashboard(config, service)),
    ),
    dashboard(SLO_DASHBOARD_UID, sloOverviewDashboard(config)),
  ];
}

/** Writes rendered files under `outDir` (creating directories) and returns their full paths. */
export async function writeRendered(outDir: string, files: readonly RenderedFile[]): Promise<string[]> {
  return Promise.all(
    files.map(async (file) => {
      const path = join(outDir, file.path);
      try {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, file.content);
      } catch (error) {
        throw new MonitoringWriteError(path, error);
      }
      return path;
    }),
  );
}
