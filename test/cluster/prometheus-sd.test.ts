// A real Prometheus (built from the module proxy; Debian's has no Kubernetes discovery) finds the shop's pods through
// the API server with the scrape job src/monitoring renders, and labels them from the pod. kwok pods have no process
// and their IPs are blackholed, so the scrapes fail; discovery and relabelling are what this proves.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CoreV1Api, type V1Pod } from "../../src/delivery/kube-client.js";
import { NAME_LABEL, POD_DIGEST_LABEL } from "../../src/delivery/manifests/labels.js";
import {
  POD_TEMPLATE_HASH_LABEL,
  podScrapeJob,
  prometheusConfig,
  SCRAPE_ANNOTATIONS,
} from "../../src/monitoring/scrape-config.js";
import { deleteNamespace, testKubeConfig, uniqueNamespace } from "./delivery/helpers.js";
import { defaultClusterConfig } from "./src/config.js";
import { run } from "./src/exec.js";
import { prefixedLogger } from "./src/log.js";
import { type RunningPrometheus, startPrometheus } from "./src/prometheus.js";
import { ensurePrometheusBinary, type PrometheusBinary } from "./src/prometheus-binary.js";
import { notYet, waitFor } from "./src/wait.js";

interface Target {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapeUrl: string;
  health: string;
}
interface Targets {
  activeTargets: Target[];
  droppedTargets: { discoveredLabels: Record<string, string> }[];
}

const logger = prefixedLogger("prometheus-sd");
const kubeConfig = testKubeConfig();
const core = kubeConfig.makeApiClient(CoreV1Api);
const namespace = uniqueNamespace("prometheus-sd");
const digest = "0123456789ab";

function pod(name: string, scrape: boolean): V1Pod {
  return {
    metadata: {
      name,
      namespace,
      labels: { [NAME_LABEL]: "api", [POD_TEMPLATE_HASH_LABEL]: "6b7c8d9f5", [POD_DIGEST_LABEL]: digest },
      annotations: scrape
        ? {
            [SCRAPE_ANNOTATIONS.scrape]: "true",
            [SCRAPE_ANNOTATIONS.port]: "9464",
            [SCRAPE_ANNOTATIONS.path]: "/metricz",
          }
        : {},
    },
    spec: {
      containers: [{ name: "api", image: "registry.local/shop/api:1", ports: [{ containerPort: 3000 }] }],
    },
  };
}

let binary: PrometheusBinary;
let prometheus: RunningPrometheus | undefined;
let dir: string;
let configYaml: string;

beforeAll(async () => {
  binary = await ensurePrometheusBinary({ cacheDir: defaultClusterConfig().cacheDir, logger });
  dir = await mkdtemp(join(tmpdir(), "prometheus-sd-"));
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  configYaml = prometheusConfig({
    scrapeInterval: "2s",
    evaluationInterval: "5s",
    jobs: [podScrapeJob({ namespaces: [namespace], kubeconfigFile: inject("kubeconfig"), scrapeTimeout: "1s" })],
  });
  prometheus = await startPrometheus({ binary: binary.prometheus, configYaml, dir, logger });
});

afterAll(async () => {
  await prometheus?.stop();
  await deleteNamespace(kubeConfig, namespace);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("Prometheus with kubernetes_sd_configs against the test cluster", () => {
  it("is the pinned release, and its own promtool accepts the rendered configuration", async () => {
    expect(binary.version).toBe("3.16.0");
    expect(await run(binary.prometheus, ["--version"])).toMatch(/^prometheus, version 3\.16\.0 \(branch: HEAD/);
    expect(await run(binary.promtool, ["check", "config", join(dir, "prometheus.yml")])).toMatch(/SUCCESS/);
  });

  it("discovers an annotated pod with its namespace, name, service, pod-template-hash and revision", async () => {
    await core.createNamespacedPod({ namespace, body: pod("api-annotated", true) });
    await core.createNamespacedPod({ namespace, body: pod("api-plain", false) });
    const ip = await waitFor(
      "kwok to give api-annotated an IP",
      async () => (await core.readNamespacedPod({ namespace, name: "api-annotated" })).status?.podIP ?? notYet("none"),
      { timeoutMs: 60_000 },
    );
    const targets = await waitFor(
      "Prometheus to list api-annotated as a target and api-plain as dropped",
      async () => {
        const found = await prometheus?.api<Targets>("/api/v1/targets?state=any");
        if (!found) return notYet("no Prometheus");
        const active = found.activeTargets.filter((t) => t.labels.pod === "api-annotated");
        const dropped = found.droppedTargets.some((t) => t.discoveredLabels.__meta_kubernetes_pod_name === "api-plain");
        return active.length > 0 && dropped ? found : notYet(JSON.stringify(found).slice(0, 500));
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    const shopPods = targets.activeTargets.filter((t) => t.labels.job === "shop-pods");
    // One target per pod, not per container port: the annotated port replaces the discovered one.
    expect(shopPods.map((t) => t.labels.pod)).toEqual(["api-annotated"]);
    const [target] = shopPods;
    expect(target?.labels).toEqual({
      job: "shop-pods",
      instance: `${ip}:9464`,
      namespace,
      pod: "api-annotated",
      service: "api",
      pod_template_hash: "6b7c8d9f5",
      revision: digest,
    });
    expect(target?.scrapeUrl).toBe(`http://${ip}:9464/metricz`);
  });
});
