// The shop's own images in real pods: deployed with `deliver deploy`, Ready through their real /readyz, a purchase
// through the storefront Service from inside the cluster, Prometheus series for every new pod within a scrape
// interval of Ready, and releases whose checkout really exits at start, or starts but never becomes ready, rolled
// back as a whole while availability stays at or above its floor.
import { describe, expect, inject, it } from "vitest";
import type { V1Pod } from "../../src/delivery/kube-client.js";
import { digestLabelValue, POD_DIGEST_LABEL } from "../../src/delivery/manifests/labels.js";
import { findRunningCluster } from "../cluster/index.js";
import { DISCOVERY_RELOAD_INTERVAL_SECONDS } from "../cluster/src/prometheus.js";
import { SHOP_SERVICES as services } from "./images/pod-images.js";
import { bundleProgram, runInCluster } from "./support/in-cluster.js";
import { nodeMemory } from "./support/node-memory.js";
import { rawSamples } from "./support/prometheus-api.js";
import { describeTimes, expectRolledBack } from "./support/rolled-back-release.js";
import { pinned, shopOnNode } from "./support/shop-on-node.js";

const prometheusUrl = inject("prometheusUrl");
const scrapeInterval = inject("scrapeIntervalSeconds");
const progressDeadlineSeconds = 30;
const shop = shopOnNode(import.meta.url, {
  progressDeadlineSeconds,
  // dev's SLOs with the default metrics; short, so the whole analysis takes about half a minute.
  analysis: {
    interval: "5s",
    count: 3,
    initialDelay: "10s",
    window: "20s",
    load: { rate: 10, concurrency: 2, mix: { catalogReads: 1, purchases: 1 } },
  },
});
const { images, namespace, kubeConfig, config, core, servicePods, deployGoodRelease } = shop;

const readyAt = (pod: V1Pod) => pod.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True");

describe("the shop on the real node", () => {
  it("deliver deploy rolls out the four images; every pod is Ready on real-node-0 and answers /readyz on its pod IP", async () => {
    const run = await deployGoodRelease();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^deployed release [0-9a-f]{12} to dev /);

    for (const service of services) {
      const pods = await servicePods(service);
      expect(pods, service).toHaveLength(1);
      const pod = pods[0] as V1Pod;
      expect(pod.spec?.nodeName).toBe("real-node-0");
      expect(pod.status?.podIP).toMatch(/^10\.90\.0\.\d+$/);
      expect(readyAt(pod), `${service} Ready`).toBeDefined();
      expect(pod.metadata?.labels?.[POD_DIGEST_LABEL]).toBe(digestLabelValue(images.shop[service].digest));
      const port = config.services[service]?.port;
      const readyz = await fetch(`http://${pod.status?.podIP}:${port}/readyz`, { signal: AbortSignal.timeout(5000) });
      expect(readyz.status, `${service} /readyz`).toBe(200);
    }

    const cluster = await findRunningCluster();
    const memory = await nodeMemory((cluster ?? expect.unreachable("no running cluster")).state);
    console.log(`real node memory with the shop and PostgreSQL running: ${JSON.stringify(memory)}`);
    expect(memory.shims).toBeGreaterThanOrEqual(services.length + 1);
    expect(memory.podsMiB).toBeGreaterThan(0);
  });

  it("a shopper pod buys through the storefront Service: storefront → api, checkout → api and payments", async () => {
    const shopper = await bundleProgram(new URL("./support/storefront-shopper.ts", import.meta.url));
    const run = await runInCluster(kubeConfig, {
      namespace,
      name: "shopper",
      image: images.node,
      files: { "shopper.mjs": shopper },
      command: ["node", "/program/shopper.mjs", "http://storefront:3000"],
      timeoutMs: 120_000,
    });
    expect(run, run.log).toMatchObject({ phase: "Succeeded", exitCode: 0 });
    const summary = JSON.parse(run.log.trim().split("\n").at(-1) ?? "{}");
    expect(summary.purchased.order).toMatch(/^ORD-\d+$/);
  });

  // Prometheus hands new targets from discovery to the scrape pools through a throttle that backs off to 5 s while
  // the cluster keeps changing (discovery/manager.go, `updatert`, not configurable), then the scrape manager's own
  // reload interval (DISCOVERY_RELOAD_INTERVAL_SECONDS), then the target's first scrape offset (up to one interval). A pod that turns Ready a
  // few seconds after it got its IP can wait that long for its first scrape: one interval after Ready is not reachable
  // with Prometheus' discovery, so the bound is those three, and the test prints the measured lag.
  const DISCOVERY_THROTTLE_SECONDS = 5;

  it("Prometheus has each pod's series, labelled with its revision, within its discovery delays and one scrape interval of Ready", async () => {
    const lags: string[] = [];
    for (const service of services) {
      const [pod] = await servicePods(service);
      const name = pod?.metadata?.name ?? "";
      const ready = Date.parse(String(readyAt(pod as V1Pod)?.lastTransitionTime)) / 1000;
      const series = await rawSamples(prometheusUrl, `up{namespace="${namespace}",pod="${name}"}[10m]`);
      expect(series, `${service}: ${JSON.stringify(series)}`).toHaveLength(1);
      const [up] = series;
      expect(up?.labels).toMatchObject({
        service,
        revision: digestLabelValue(images.shop[service].digest),
        pod_template_hash: pod?.metadata?.labels?.["pod-template-hash"],
      });
      const firstUp = up?.samples.find(([, value]) => value === 1)?.[0];
      expect(firstUp, `${service}: no sample with up=1`).toBeDefined();
      // lastTransitionTime is cut to the second, so Ready happened up to 1 s after it.
      expect(
        firstUp as number,
        `${service}: first up=1 sample vs Ready at ${ready}: ${JSON.stringify(up?.samples)}`,
      ).toBeLessThanOrEqual(
        ready + 1 + DISCOVERY_THROTTLE_SECONDS + DISCOVERY_RELOAD_INTERVAL_SECONDS + scrapeInterval,
      );
      lags.push(`${service} ${((firstUp as number) - ready).toFixed(1)} s`);
      const appSeries = await rawSamples(prometheusUrl, `{namespace="${namespace}",pod="${name}",__name__!="up"}[1m]`);
      expect(appSeries.length, `${service}: the service's own metrics`).toBeGreaterThan(10);
      expect(appSeries.every((s) => s.labels.revision === up?.labels.revision)).toBe(true);
    }
    console.log(
      `first up=1 sample after Ready (Ready cut to the second, scrape interval ${scrapeInterval} s): ${lags.join(", ")}`,
    );
  });
});

describe("analysis of the real pods under synthetic load", () => {
  it("deploying the running release again with --prometheus-url and --load-url judges all four services Successful, with real purchases", async () => {
    const loadUrl = await shop.storefrontUrl();
    const run = await deployGoodRelease(["--prometheus-url", prometheusUrl, "--load-url", loadUrl]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/^analysis: Successful, verified at /m);
    for (const service of services) {
      expect(run.stdout, service).toMatch(new RegExp(`^  ${service} +Successful revision [0-9a-f]{12}`, "m"));
    }
    const load =
      /synthetic load (\d+) of (\d+) requests answered \((\d+) 5xx, (\d+) unanswered\), (\d+) purchases paid/.exec(
        run.stderr,
      );
    expect(load, run.stderr).not.toBeNull();
    const [, answered, , serverErrors, , paid] = (load as RegExpExecArray).map(Number);
    expect(answered).toBeGreaterThan(50);
    expect(serverErrors).toBe(0);
    expect(paid).toBeGreaterThan(0);
    console.log(`analysis under synthetic load on the real node: ${load?.[0]}`);
  }, 300_000);
});

describe("releases that fail on the real node are rolled back as a whole", () => {
  const runs = 5;

  /** A release with `checkout` that fails its rollout (for `reason`) and is rolled back. */
  async function failedRollout(checkout: string, revision: string, reason: string) {
    const startedAt = Date.now();
    const { error, failureVisibleAt, rolledBackAt } = await expectRolledBack(shop, { checkout, revision });
    expect(error.message).toContain(`failed at checkout: deploy of checkout (${namespace}) failed at revision`);
    expect(error.message).toContain(reason);
    expect(failureVisibleAt).toBeDefined();
    return {
      message: error.message,
      detectedMs: (failureVisibleAt as number) - startedAt,
      recoveryMs: rolledBackAt - (failureVisibleAt as number),
    };
  }

  it(`a checkout that exits at start fails on CrashLoopBackOff before its ${progressDeadlineSeconds} s progress deadline and is rolled back, ${runs} times; median and worst time from failure to the previous revision serving`, async () => {
    const times: number[] = [];
    const detected: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const { message, detectedMs, recoveryMs } = await failedRollout(
        pinned(images.defects["exits-at-start"]),
        `exits-at-start-${run}`,
        "CrashLoopBackOff",
      );
      // The service's own last log line, through terminationMessagePolicy FallbackToLogsOnError.
      expect(message).toMatch(
        /container checkout restarted \d+ times; last exit code 1 \(Error\): .*RECONCILE_INTERVAL_MS/,
      );
      times.push(recoveryMs);
      detected.push(detectedMs);
    }
    const crashed = await core.listNamespacedEvent({ namespace, fieldSelector: "reason=BackOff" });
    expect(crashed.items.some((e) => e.involvedObject.name?.startsWith("checkout-"))).toBe(true);
    console.log(
      describeTimes("exits-at-start rollback on the real node, failure visible -> previous revision serving", times),
    );
    console.log(
      describeTimes(
        `exits-at-start on the real node, deploy start -> CrashLoopBackOff failure (progress deadline ${progressDeadlineSeconds} s)`,
        detected,
      ),
    );
  }, 900_000);

  it("a checkout that starts but never becomes ready (payments unreachable) is rolled back at its progress deadline", async () => {
    const { message, recoveryMs } = await failedRollout(
      pinned(images.defects.unready),
      "unready-1",
      "ProgressDeadlineExceeded",
    );
    expect(message).toMatch(/rolled back: checkout/);
    const events = await core.listNamespacedEvent({ namespace, fieldSelector: "reason=Unhealthy" });
    expect(events.items.some((e) => /Readiness probe failed/.test(e.message ?? ""))).toBe(true);
    console.log(`unready rollback on the real node, failure visible -> previous revision serving: ${recoveryMs} ms`);
  }, 300_000);
});
