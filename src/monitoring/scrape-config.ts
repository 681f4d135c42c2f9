// The Prometheus configuration that scrapes the shop's pods: Kubernetes pod discovery, the scrape annotations the
// Deployments carry, and relabelling that puts the pod's identity and revision on every series. Plain data and
// YAML text; nothing here talks to Prometheus or Kubernetes.
import { stringify } from "yaml";
import { NAME_LABEL, POD_DIGEST_LABEL } from "../delivery/manifests/labels.js";

/**
 * The pod annotations a pod opts into scraping with (the de-facto convention; the shop's Deployments set all
 * three on their pod template).
 */
export const SCRAPE_ANNOTATIONS = {
  /** `"true"` to be scraped; any other value or none leaves the pod out. */
  scrape: "prometheus.io/scrape",
  /** Container port serving the metrics; without it the port of the discovered container port is kept. */
  port: "prometheus.io/port",
  /** HTTP path of the metrics; without it Prometheus' default `/metrics`. */
  path: "prometheus.io/path",
} as const;

/** The label the Deployment controller puts on each ReplicaSet's pods. */
export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";

/** The target labels every scraped series carries, and where each comes from. */
export const TARGET_LABELS = {
  namespace: "namespace",
  pod: "pod",
  /** From the pod label {@link NAME_LABEL}. */
  service: "service",
  /** From the pod label {@link POD_TEMPLATE_HASH_LABEL}. */
  podTemplateHash: "pod_template_hash",
  /** From the pod label {@link POD_DIGEST_LABEL}: the first 12 hex digits of the image digest. */
  revision: "revision",
} as const;

/** One rule of a `relabel_configs` list, in Prometheus' own field names. */
export interface RelabelRule {
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly replacement?: string;
  readonly target_label?: string;
  readonly action?: "replace" | "keep" | "drop" | "labelmap" | "labeldrop" | "labelkeep";
}

/** A Prometheus `kubernetes_sd_configs` entry for role `pod`. */
export interface KubernetesPodSdConfig {
  readonly role: "pod";
  readonly kubeconfig_file?: string;
  readonly namespaces: { readonly names: readonly string[] };
}

/** One entry of `static_configs`: addresses and the labels every series scraped from them carries. */
export interface StaticConfig {
  readonly targets: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

interface ScrapeJobBase {
  readonly job_name: string;
  readonly scrape_interval?: string;
  readonly scrape_timeout?: string;
}

/** A `scrape_configs` entry for the pods found through the Kubernetes API. */
export interface PodScrapeJob extends ScrapeJobBase {
  readonly kubernetes_sd_configs: readonly KubernetesPodSdConfig[];
  readonly relabel_configs: readonly RelabelRule[];
}

/** A `scrape_configs` entry for fixed addresses. */
export interface StaticScrapeJob extends ScrapeJobBase {
  readonly static_configs: readonly StaticConfig[];
}

/** One entry of `scrape_configs`. */
export type ScrapeJob = PodScrapeJob | StaticScrapeJob;

/**
 * A job scraping fixed `host:port` addresses (`/metrics`), each with its own target labels; for processes outside
 * any cluster, such as the services of the Dagger perf gate.
 */
export function staticScrapeJob(jobName: string, targets: readonly StaticConfig[]): StaticScrapeJob {
  if (targets.length === 0) throw new Error(`staticScrapeJob ${jobName}: no targets`);
  return { job_name: jobName, static_configs: targets };
}

/** Options for {@link podScrapeJob}. */
export interface PodScrapeJobOptions {
  /** Namespaces whose pods are discovered; at least one, so a job never watches the whole cluster by accident. */
  readonly namespaces: readonly string[];
  /** The `job` label; default `shop-pods`. */
  readonly jobName?: string;
  /** Kubeconfig for a Prometheus running outside the cluster; inside, leave it out and the pod's service account is used. */
  readonly kubeconfigFile?: string;
  /** Prometheus duration such as `15s`; default the global `scrape_interval`. */
  readonly scrapeInterval?: string;
  /** Prometheus duration; default the global `scrape_timeout` (10s, or the interval when it is shorter). */
  readonly scrapeTimeout?: string;
}

/** The `__meta_kubernetes_pod_*` label Prometheus' pod discovery exposes for a pod label or annotation key. */
export function podMetaLabel(kind: "label" | "annotation", key: string): string {
  return `__meta_kubernetes_pod_${kind}_${key.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

/** The scrape job for the shop's pods: only pods annotated for scraping, at the annotated port and path. */
export function podScrapeJob(options: PodScrapeJobOptions): PodScrapeJob {
  if (options.namespaces.length === 0) throw new Error("podScrapeJob: at least one namespace is needed");
  for (const [field, value] of [
    ["scrapeInterval", options.scrapeInterval],
    ["scrapeTimeout", options.scrapeTimeout],
  ] as const) {
    if (value !== undefined) checkDuration(field, value);
  }
  const port = podMetaLabel("annotation", SCRAPE_ANNOTATIONS.port);
  const fromPodLabel = (key: string, target: string): RelabelRule => ({
    source_labels: [podMetaLabel("label", key)],
    target_label: target,
  });
  return {
    job_name: options.jobName ?? "shop-pods",
    ...(options.scrapeInterval ? { scrape_interval: options.scrapeInterval } : {}),
    ...(options.scrapeTimeout ? { scrape_timeout: options.scrapeTimeout } : {}),
    kubernetes_sd_configs: [
      {
        role: "pod",
        ...(options.kubeconfigFile ? { kubeconfig_file: options.kubeconfigFile } : {}),
        namespaces: { names: [...options.namespaces] },
      },
    ],
    relabel_configs: [
      { source_labels: [podMetaLabel("annotation", SCRAPE_ANNOTATIONS.scrape)], regex: "true", action: "keep" },
      // A finished pod serves nothing; a Pending one is kept so a pod that never starts shows as a down target.
      { source_labels: ["__meta_kubernetes_pod_phase"], regex: "Succeeded|Failed", action: "drop" },
      {
        source_labels: [podMetaLabel("annotation", SCRAPE_ANNOTATIONS.path)],
        regex: "(.+)",
        target_label: "__metrics_path__",
      },
      // Pod IP and annotated port; an IPv6 pod IP needs brackets. Without the annotation neither rule matches.
      {
        source_labels: [port, "__meta_kubernetes_pod_ip"],
        regex: "(\\d+);(\\d+\\.\\d+\\.\\d+\\.\\d+)",
        replacement: "$2:$1",
        target_label: "__address__",
      },
      {
        source_labels: [port, "__meta_kubernetes_pod_ip"],
        regex: "(\\d+);([0-9A-Fa-f:]+:[0-9A-Fa-f:.]*)",
        replacement: "[$2]:$1",
        target_label: "__address__",
      },
      { source_labels: ["__meta_kubernetes_namespace"], target_label: TARGET_LABELS.namespace },
      { source_labels: ["__meta_kubernetes_pod_name"], target_label: TARGET_LABELS.pod },
      fromPodLabel(NAME_LABEL, TARGET_LABELS.service),
      fromPodLabel(POD_TEMPLATE_HASH_LABEL, TARGET_LABELS.podTemplateHash),
      fromPodLabel(POD_DIGEST_LABEL, TARGET_LABELS.revision),
    ],
  };
}

/** Options for {@link prometheusConfig}. */
export interface PrometheusConfigOptions {
  /** Global `scrape_interval`, a Prometheus duration such as `15s`. */
  readonly scrapeInterval: string;
  /** Global `evaluation_interval`; default Prometheus' own (1m). */
  readonly evaluationInterval?: string;
  readonly jobs: readonly ScrapeJob[];
}

/** A whole `prometheus.yml` as YAML text. */
export function prometheusConfig(options: PrometheusConfigOptions): string {
  checkDuration("scrapeInterval", options.scrapeInterval);
  if (options.evaluationInterval !== undefined) checkDuration("evaluationInterval", options.evaluationInterval);
  const names = options.jobs.map((job) => job.job_name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new Error(`prometheusConfig: job_name ${duplicate} appears twice`);
  const config = {
    global: {
      scrape_interval: options.scrapeInterval,
      ...(options.evaluationInterval ? { evaluation_interval: options.evaluationInterval } : {}),
    },
    scrape_configs: options.jobs,
  };
  // Plain scalars would turn `true` and `$1` look-alikes into other types on a careless reader; quote them all.
  return stringify(config, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", lineWidth: 0 });
}

function checkDuration(field: string, value: string): void {
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(value)) {
    throw new Error(`${field}: ${JSON.stringify(value)} is not a Prometheus duration (such as 15s or 1m30s)`);
  }
}
