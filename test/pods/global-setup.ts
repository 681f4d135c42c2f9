// vitest globalSetup of the pods tier: the images in the local registry (built without an engine when missing),
// the test cluster with its real node, and Prometheus discovering the node's pods through the Kubernetes API.
// Reuses a cluster started by `npm run cluster:up -- --real-node` (and leaves it running); otherwise starts one and
// stops it at the end.
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { podScrapeJob, prometheusConfig } from "../../src/monitoring/scrape-config.js";
import {
  consoleLogger,
  defaultClusterConfig,
  findRunningCluster,
  startCluster,
  stopCluster,
} from "../cluster/index.js";
import { startPrometheus } from "../cluster/src/prometheus.js";
import { ensurePrometheusBinary } from "../cluster/src/prometheus-binary.js";
import { defaultRealNodeConfig } from "../cluster/src/real-node/config.js";
import { ensurePodImages, type PodImages } from "./images/pod-images.js";

/** How often Prometheus scrapes the pods; the tests allow one interval between Ready and the first sample. */
export const SCRAPE_INTERVAL_SECONDS = 2;

declare module "vitest" {
  export interface ProvidedContext {
    kubeconfig: string;
    podImages: Omit<PodImages, "stop">;
    prometheusUrl: string;
    scrapeIntervalSeconds: number;
    /**
     * Test file name → the namespace it deploys the shop to; Prometheus discovers pods in all of them. One each, so a
     * file does not wait for the previous file's namespace to finish terminating.
     */
    podsNamespaces: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = consoleLogger;
  const images = await ensurePodImages({ logger });
  const running = await findRunningCluster();
  if (running && !running.state.realNode) {
    throw new Error(
      "a test cluster without the real node is running: stop it (npm run cluster:down) or start it with npm run cluster:up -- --real-node",
    );
  }
  const cluster =
    running ??
    (await startCluster({ config: { ...defaultClusterConfig(), realNode: defaultRealNodeConfig() }, logger }));
  const { prometheus: binary } = await ensurePrometheusBinary({ cacheDir: defaultClusterConfig().cacheDir, logger });
  const dir = await mkdtemp(join(tmpdir(), "pods-prometheus-"));
  const suffix = randomBytes(3).toString("hex");
  const testFiles = (await readdir(fileURLToPath(new URL(".", import.meta.url)))).filter((f) => f.endsWith(".test.ts"));
  const namespaces = Object.fromEntries(
    testFiles.map((file) => [file, `pods-${file.slice(0, -".test.ts".length)}-${suffix}`]),
  );
  const configYaml = prometheusConfig({
    scrapeInterval: `${SCRAPE_INTERVAL_SECONDS}s`,
    jobs: [
      podScrapeJob({
        namespaces: Object.values(namespaces),
        kubeconfigFile: cluster.kubeconfig,
        scrapeInterval: `${SCRAPE_INTERVAL_SECONDS}s`,
      }),
    ],
  });
  const prometheus = await startPrometheus({ binary, configYaml, dir, logger });

  const { stop: _stop, ...provided } = images;
  project.provide("kubeconfig", cluster.kubeconfig);
  project.provide("podImages", provided);
  project.provide("prometheusUrl", prometheus.url);
  project.provide("scrapeIntervalSeconds", SCRAPE_INTERVAL_SECONDS);
  project.provide("podsNamespaces", namespaces);
  process.env.KUBECONFIG = cluster.kubeconfig;
  return async () => {
    await prometheus.stop();
    await rm(dir, { recursive: true, force: true });
    if (!running) await stopCluster({ logger });
    await images.stop();
  };
}
