import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { NAME_LABEL, POD_DIGEST_LABEL } from "../../../src/delivery/manifests/labels.js";
import {
  POD_TEMPLATE_HASH_LABEL,
  podMetaLabel,
  podScrapeJob,
  prometheusConfig,
  SCRAPE_ANNOTATIONS,
} from "../../../src/monitoring/scrape-config.js";

describe("podMetaLabel", () => {
  it("names the discovery label the way Prometheus sanitises label and annotation keys", () => {
    expect(podMetaLabel("label", NAME_LABEL)).toBe("__meta_kubernetes_pod_label_app_kubernetes_io_name");
    expect(podMetaLabel("label", POD_DIGEST_LABEL)).toBe("__meta_kubernetes_pod_label_ecommerce_delivery_digest");
    expect(podMetaLabel("label", POD_TEMPLATE_HASH_LABEL)).toBe("__meta_kubernetes_pod_label_pod_template_hash");
    expect(podMetaLabel("annotation", SCRAPE_ANNOTATIONS.scrape)).toBe(
      "__meta_kubernetes_pod_annotation_prometheus_io_scrape",
    );
  });
});

describe("podScrapeJob", () => {
  const job = podScrapeJob({ namespaces: ["shop-staging"], kubeconfigFile: "/tmp/kubeconfig", scrapeInterval: "5s" });

  it("discovers pods of the given namespaces through the given kubeconfig", () => {
    expect(job.job_name).toBe("shop-pods");
    expect(job.scrape_interval).toBe("5s");
    expect(job.kubernetes_sd_configs).toEqual([
      { role: "pod", kubeconfig_file: "/tmp/kubeconfig", namespaces: { names: ["shop-staging"] } },
    ]);
  });

  it("leaves kubeconfig_file out for a Prometheus inside the cluster", () => {
    const inCluster = podScrapeJob({ namespaces: ["a", "b"] });
    expect(inCluster.kubernetes_sd_configs[0]).toEqual({ role: "pod", namespaces: { names: ["a", "b"] } });
    expect(inCluster).not.toHaveProperty("scrape_interval");
  });

  it("keeps only pods annotated prometheus.io/scrape: true, first", () => {
    expect(job.relabel_configs[0]).toEqual({
      source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"],
      regex: "true",
      action: "keep",
    });
  });

  it("scrapes the annotated path and the annotated port on the pod IP", () => {
    const rules = job.relabel_configs;
    expect(rules).toContainEqual({
      source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"],
      regex: "(.+)",
      target_label: "__metrics_path__",
    });
    const address = rules.filter((rule) => rule.target_label === "__address__");
    expect(address.map((rule) => rule.source_labels)).toEqual([
      ["__meta_kubernetes_pod_annotation_prometheus_io_port", "__meta_kubernetes_pod_ip"],
      ["__meta_kubernetes_pod_annotation_prometheus_io_port", "__meta_kubernetes_pod_ip"],
    ]);
    // What Prometheus does with them: the regex is anchored and joins the sources with ";".
    const apply = (value: string) => {
      for (const rule of address) {
        const match = new RegExp(`^(?:${rule.regex})$`).exec(value);
        if (match) return (rule.replacement ?? "$1").replace(/\$(\d)/g, (_, i: string) => match[Number(i)] ?? "");
      }
      return undefined;
    };
    expect(apply("8080;10.90.0.7")).toBe("10.90.0.7:8080");
    expect(apply("8080;fd00::7")).toBe("[fd00::7]:8080");
    expect(apply(";10.90.0.7")).toBeUndefined();
  });

  it("puts namespace, pod, service, pod_template_hash and revision on every series", () => {
    const targets = Object.fromEntries(
      job.relabel_configs
        .filter((rule) => rule.target_label && !rule.target_label.startsWith("__"))
        .map((rule) => [rule.target_label, rule.source_labels]),
    );
    expect(targets).toEqual({
      namespace: ["__meta_kubernetes_namespace"],
      pod: ["__meta_kubernetes_pod_name"],
      service: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"],
      pod_template_hash: ["__meta_kubernetes_pod_label_pod_template_hash"],
      revision: ["__meta_kubernetes_pod_label_ecommerce_delivery_digest"],
    });
  });

  it("refuses no namespaces and a malformed interval", () => {
    expect(() => podScrapeJob({ namespaces: [] })).toThrow(/at least one namespace/);
    expect(() => podScrapeJob({ namespaces: ["a"], scrapeInterval: "5 seconds" })).toThrow(
      /scrapeInterval: "5 seconds" is not a Prometheus duration/,
    );
  });
});

describe("prometheusConfig", () => {
  it("renders a whole prometheus.yml that reads back as the same structure", () => {
    const job = podScrapeJob({ namespaces: ["shop"], kubeconfigFile: "/k" });
    const text = prometheusConfig({ scrapeInterval: "15s", evaluationInterval: "30s", jobs: [job] });
    expect(parse(text)).toEqual({
      global: { scrape_interval: "15s", evaluation_interval: "30s" },
      scrape_configs: [JSON.parse(JSON.stringify(job))],
    });
    expect(text).toContain('regex: "true"');
    expect(text).toContain('replacement: "$2:$1"');
  });

  it("refuses two jobs of the same name", () => {
    const job = podScrapeJob({ namespaces: ["shop"] });
    expect(() => prometheusConfig({ scrapeInterval: "15s", jobs: [job, job] })).toThrow(/shop-pods appears twice/);
  });
});
