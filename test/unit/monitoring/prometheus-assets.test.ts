// The Prometheus assets `npm run monitoring -- render` ships, checked by Debian's promtool (Prometheus 2.42):
// the rules file parses, every alert fires and stays silent when it should, and prometheus.yml loads.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadPipelineConfig, type PipelineConfig } from "../../../src/config/index.js";
import { MONITORING_PATHS, renderMonitoring, writeRendered } from "../../../src/monitoring/render.js";
import { BURN_RATE_ALERTS, LATENCY_ALERT } from "../../../src/monitoring/slo-alerts.js";
import { alertTestFiles } from "./alert-scenarios.js";
import { promtool } from "./promtool.js";

const pipelineFile = fileURLToPath(new URL("../../../pipeline.yaml", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "monitoring-assets-"));
const rules = join(dir, MONITORING_PATHS.rules);
const prometheusYml = join(dir, MONITORING_PATHS.prometheusConfig);
let config: PipelineConfig;

beforeAll(async () => {
  config = await loadPipelineConfig(pipelineFile);
  await writeRendered(dir, renderMonitoring(config));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the rendered rules file", () => {
  it("passes promtool check rules", async () => {
    const out = await promtool("check", "rules", rules);
    expect(out).toContain("SUCCESS");
  });

  it("records per revision and per SLO window, and alerts per environment", () => {
    const { groups } = parse(readFileSync(rules, "utf8")) as { groups: { name: string; rules: object[] }[] };
    expect(groups.map((g) => g.name)).toEqual([
      "shop-http-by-revision",
      "shop-http-slo-windows",
      "shop-slo-dev",
      "shop-slo-staging",
      "shop-slo-prod",
    ]);
  });
});

describe("the recording rules", () => {
  it("aggregate by the target labels: per revision rates, 5xx only as errors, 0 errors rather than none", async () => {
    const pod = (name: string, revision: string, status: string) =>
      `http_request_duration_seconds_count{namespace="shop-prod", pod="${name}", service="api", ` +
      `exported_service="api", pod_template_hash="h${revision}", revision="${revision}", route="/x", method="GET", ` +
      `status_code="${status}"}`;
    const perMinute = (n: number) => `0+${n}x20`;
    const test = {
      rule_files: [rules],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [
            { series: pod("api-a-1", "aaa", "200"), values: perMinute(60) },
            { series: pod("api-a-1", "aaa", "500"), values: perMinute(30) },
            { series: pod("api-a-2", "aaa", "200"), values: perMinute(60) },
            { series: pod("api-a-2", "aaa", "404"), values: perMinute(30) },
            { series: pod("api-b-1", "bbb", "200"), values: perMinute(30) },
          ],
          promql_expr_test: [
            ...(
              [
                ["service_revision:http_requests:rate5m", 3, 0.5],
                ["service_revision:http_errors:rate5m", 0.5, 0],
                ["service_revision:http_errors:ratio_rate5m", 0.5 / 3, 0],
              ] as const
            ).map(([expr, a, b]) => ({
              expr,
              eval_time: "10m",
              exp_samples: [
                { labels: `${expr}{namespace="shop-prod", service="api", revision="aaa"}`, value: a },
                { labels: `${expr}{namespace="shop-prod", service="api", revision="bbb"}`, value: b },
              ],
            })),
            {
              // Before an hour of data, rate() extrapolates and the sums differ in the last bits between runs.
              expr: "round(service:http_errors:ratio_rate1h * 1e6)",
              eval_time: "20m",
              exp_samples: [{ labels: '{namespace="shop-prod", service="api"}', value: Math.round((0.5 / 3.5) * 1e6) }],
            },
          ],
        },
      ],
    };
    const file = join(dir, "recording.test.yml");
    writeFileSync(file, stringify(test));
    expect(await promtool("test", "rules", file)).toContain("SUCCESS");
  });
});

describe("the SLO alerts", () => {
  const files = () => alertTestFiles(config, rules);

  it("cover every alert of every environment", () => {
    const tested = new Set(files().flatMap((f) => f.alerts));
    expect([...tested].sort()).toEqual([...BURN_RATE_ALERTS.map((a) => a.alert), LATENCY_ALERT.alert].sort());
    const groups = files().flatMap((f) => f.file.tests.map((t) => t.name.split(":")[0]));
    expect(groups.filter((env) => env === "prod")).toHaveLength(BURN_RATE_ALERTS.length + 1);
    expect(new Set(groups)).toEqual(new Set(["dev", "staging", "prod"]));
  });

  it("fire when both windows burn too fast, and stay silent otherwise (promtool test rules)", async () => {
    for (const { interval, file } of files()) {
      const path = join(dir, `alerts-${interval}.test.yml`);
      writeFileSync(path, stringify(file, { lineWidth: 0 }));
      expect(await promtool("test", "rules", path)).toContain("SUCCESS");
    }
  }, 240_000);
});

describe("prometheus.yml", () => {
  it("points rule_files at the rules file next to it", () => {
    const yml = parse(readFileSync(prometheusYml, "utf8")) as { rule_files: string[] };
    expect(yml.rule_files.map((f) => join(dir, "prometheus", f))).toEqual([rules]);
  });

  it("passes promtool check config with the pod discovery swapped for a static target", async () => {
    // Debian bookworm's promtool (2.42) is built without kubernetes_sd and rejects kubernetes_sd_configs
    // ("field kubernetes_sd_configs not found"), so this checks a copy whose job has static_configs instead:
    // everything else (globals, relabelling, rule_files and the rules they name) is checked as shipped.
    const yml = parse(readFileSync(prometheusYml, "utf8")) as { scrape_configs: Record<string, unknown>[] };
    for (const job of yml.scrape_configs) {
      expect(job).toHaveProperty("kubernetes_sd_configs");
      delete job.kubernetes_sd_configs;
      job.static_configs = [{ targets: ["127.0.0.1:9"] }];
    }
    const copy = join(dir, "prometheus", "prometheus.static.yml");
    writeFileSync(copy, stringify(yml));
    const out = await promtool("check", "config", copy);
    expect(out).toContain("SUCCESS: 33 rules found");
  });
});
