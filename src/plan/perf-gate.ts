// Engine-free: how the Dagger perf gate lays out its two shops and the Prometheus that scrapes them.
import { digestLabelValue } from "../delivery/manifests/labels.js";
import { prometheusConfig, staticScrapeJob, TARGET_LABELS } from "../monitoring/scrape-config.js";
import type { ServicePlan } from "./plan.js";

/** The image the gate runs Prometheus from unless told otherwise (Debian bookworm's prometheus is this release). */
export const PROMETHEUS_IMAGE = "prom/prometheus:v2.42.0";
/** Where the gate writes Prometheus' configuration (the official image's default path). */
export const PROMETHEUS_CONFIG_PATH = "/etc/prometheus/prometheus.yml";
export const PROMETHEUS_PORT = 9090;
/** Host name Prometheus is bound under in the gate's container. */
export const PROMETHEUS_HOST = "prometheus";
/** How often Prometheus scrapes both shops: several samples within the analysis' shortest sensible window. */
export const PERF_GATE_SCRAPE_INTERVAL = "2s";

/** The two shops of a gate run. */
export const PERF_GATE_SIDES = ["candidate", "baseline"] as const;
export type PerfGateSideName = (typeof PERF_GATE_SIDES)[number];

/** The host name a side's service is bound under in Prometheus and in the gate's container, e.g. `candidate-api`. */
export function sideHost(side: PerfGateSideName, service: string): string {
  return `${side}-${service}`;
}

/**
 * Prometheus' configuration: every service of both sides, scraped at `<side>-<service>:<port>/metrics`, each target
 * labelled as the environment's analysis queries select series (its namespace, the service, and the first 12 hex
 * digits of the image digest as revision).
 */
export function perfGatePrometheusConfig(
  plans: readonly ServicePlan[],
  namespace: string,
  digests: Readonly<Record<PerfGateSideName, Readonly<Record<string, string>>>>,
): string {
  const targets = PERF_GATE_SIDES.flatMap((side) =>
    plans.map((plan) => {
      const digest = digests[side][plan.name];
      if (!digest) throw new Error(`perf gate: no ${side} digest for ${plan.name}`);
      return {
        targets: [`${sideHost(side, plan.name)}:${plan.port}`],
        labels: {
          [TARGET_LABELS.namespace]: namespace,
          [TARGET_LABELS.service]: plan.name,
          [TARGET_LABELS.revision]: digestLabelValue(digest),
        },
      };
    }),
  );
  return prometheusConfig({ scrapeInterval: PERF_GATE_SCRAPE_INTERVAL, jobs: [staticScrapeJob("perf-gate", targets)] });
}

/** `deliver perf-gate`'s arguments for the gate's container. */
export function perfGateArgs(options: {
  readonly env: string;
  readonly storefront: ServicePlan;
  readonly digests: Readonly<Record<PerfGateSideName, Readonly<Record<string, string>>>>;
}): string[] {
  const args = ["perf-gate", "--env", options.env, "--prometheus-url", `http://${PROMETHEUS_HOST}:${PROMETHEUS_PORT}`];
  for (const side of PERF_GATE_SIDES) {
    args.push(`--${side}-url`, `http://${sideHost(side, options.storefront.name)}:${options.storefront.port}`);
    for (const [service, digest] of Object.entries(options.digests[side]))
      args.push(`--${side}`, `${service}=${digest}`);
  }
  return args;
}
