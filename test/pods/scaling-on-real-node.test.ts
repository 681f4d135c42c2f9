// deliver watch on the real node: checkout is the one-lane build (one request at a time, 40 ms each, so one pod
// serves at most 25 a second and a pod with N requests in flight answers in about N × 40 ms). Light load first, so
// the revision has met the SLO; then more requests in flight than even maxReplicas pods can serve within dev's p99:
// the watch scales checkout out through the scale subresource, one pod per cooldown, up to maxReplicas and no
// further, with every new pod Ready on the real node. Light load again: back to pipeline.yaml's replicas after the
// stabilization window. Prometheus reads the pods' own request histograms; every action is in the scaling record.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, inject, it } from "vitest";
import { createPrometheusClient } from "../../src/delivery/analysis/index.js";
import {
  readScalingRecords,
  type ScalingAction,
  type WatchEvent,
  type WatchSummary,
  watchScaling,
} from "../../src/delivery/scaling/index.js";
import { REAL_NODE_LABEL } from "../cluster/src/real-node/config.js";
import { notYet, waitFor } from "../cluster/src/wait.js";
import { pinned, shopOnNode } from "./support/shop-on-node.js";

const SLO_P99_MS = 300;
// Decisions every 2 s over an 8 s window; 12 s between scale-outs (a new pod is Ready in a few seconds and then shows
// in the window); 20 s of p99 under half the SLO before each scale-in.
const SCALING = {
  maxReplicas: 3,
  scaleOutStep: 1,
  scaleInStep: 1,
  stabilizationWindow: "20s",
  scaleOutCooldown: "12s",
  scaleInBelow: 0.5,
  interval: "2s",
  window: "8s",
  healthyLookback: "10m",
};
// One client: about 40 ms a request, p99 in the 25-50 ms bucket, under half the SLO. Twenty-four: about 960 ms on one
// pod and 320 ms on three, over the SLO even at maxReplicas, so the watch must stop at the ceiling.
const LIGHT = 1;
const HEAVY = 24;

const prometheusUrl = inject("prometheusUrl");
const shop = shopOnNode(import.meta.url, {
  progressDeadlineSeconds: 60,
  slo: { p99LatencyMs: SLO_P99_MS },
  replicas: 1,
  scaling: SCALING,
});
const checkoutPort = shop.config.services.checkout?.port;

/** Checkout's pods that are Ready, as the watch's new capacity appears. */
async function readyCheckoutPods() {
  const pods = await shop.servicePods("checkout");
  return pods.filter((pod) => pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
}

/**
 * `clients` loops, each asking checkout's Ready pods in turn for an unknown checkout (a 404 after one database read)
 * until stopped or `maxMs` passed: the test's stand-in for a Service, whose ClusterIP the host cannot reach.
 */
function checkoutLoad(clients: number, maxMs: number) {
  const deadline = Date.now() + maxMs;
  let podIps: string[] = [];
  let stopped = false;
  let next = 0;
  let answered = 0;
  const refresh = async () => {
    while (!stopped && Date.now() < deadline) {
      podIps = (await readyCheckoutPods()).flatMap((pod) => (pod.status?.podIP ? [pod.status.podIP] : []));
      await sleep(1000);
    }
  };
  const client = async () => {
    while (!stopped && Date.now() < deadline) {
      const ip = podIps[next++ % Math.max(1, podIps.length)];
      if (!ip) {
        await sleep(200);
        continue;
      }
      const url = `http://${ip}:${checkoutPort}/checkout/${randomUUID()}`;
      const status = await fetch(url, { signal: AbortSignal.timeout(15_000) })
        .then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        })
        .catch(() => 0);
      if (status === 404) answered++;
    }
  };
  const running = Promise.all([refresh(), ...Array.from({ length: clients }, client)]);
  return {
    answered: () => answered,
    async stop() {
      stopped = true;
      await running;
      return answered;
    },
  };
}

describe("deliver watch scales a saturated service on the real node", () => {
  it("checkout's one-lane build is deployed at pipeline.yaml's 1 replica", async () => {
    const flags = Object.entries({ ...shop.goodImages, checkout: pinned(shop.images.defects["one-lane"]) }).flatMap(
      ([service, image]) => ["--image", `${service}=${image}`],
    );
    const deployed = await shop.deliver(["deploy", "--env", "dev", ...flags, "--revision", "pods-scaling"]);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(await readyCheckoutPods()).toHaveLength(1);
  }, 300_000);

  it(`out to maxReplicas ${SCALING.maxReplicas} under ${HEAVY} clients and no further, back to 1 under ${LIGHT} after the window`, async () => {
    const events: WatchEvent[] = [];
    const controller = new AbortController();
    let failure: unknown;
    const light = checkoutLoad(LIGHT, 60_000);
    // The revision meets the SLO first, so a burn later is saturation, not a regression.
    await sleep(15_000);
    const watch: Promise<WatchSummary> = watchScaling({
      config: shop.config,
      env: "dev",
      services: ["checkout"],
      prometheus: createPrometheusClient({ url: prometheusUrl }),
      kubeConfig: shop.kubeConfig,
      forMs: 300_000,
      signal: controller.signal,
      onEvent: (event) => events.push(event),
    });
    watch.catch((error: unknown) => {
      failure = error;
    });
    const actions = () => events.flatMap((e) => (e.outcome.kind === "scaled" ? [e.outcome.action] : []));
    const last = () => {
      const event = events.at(-1);
      return event?.outcome.kind === "hold" ? `${event.outcome.code}: ${event.outcome.reason}` : "scaled";
    };
    const until = (what: string, match: (e: WatchEvent) => boolean, after: number, timeoutMs: number) =>
      waitFor(
        what,
        async () => {
          if (failure) throw failure;
          return events.slice(after).find(match) ?? notYet(`last evaluation: ${last()}`);
        },
        { timeoutMs, intervalMs: 250 },
      );
    try {
      expect(light.answered()).toBeGreaterThan(50);
      await until(
        "a steady evaluation under light load",
        (e) => e.outcome.kind === "hold" && e.outcome.code === "steady",
        0,
        30_000,
      );
      await light.stop();

      const heavy = checkoutLoad(HEAVY, 150_000);
      const started = events.length;
      await until(
        "the ceiling",
        (e) => e.outcome.kind === "hold" && e.outcome.code === "ceiling",
        started,
        120_000,
      ).finally(() => heavy.stop());
      const outs = actions();
      expect(outs.map((a) => [a.action, a.from, a.to])).toEqual([
        ["scale-out", { kind: "Deployment", replicas: 1 }, { kind: "Deployment", replicas: 2 }],
        ["scale-out", { kind: "Deployment", replicas: 2 }, { kind: "Deployment", replicas: 3 }],
      ]);
      for (const action of outs) expect(action.measured.p99Ms ?? 0).toBeGreaterThan(SLO_P99_MS);
      const pods = await readyCheckoutPods();
      expect(pods).toHaveLength(SCALING.maxReplicas);
      for (const pod of pods) expect(pod.spec?.nodeSelector?.[REAL_NODE_LABEL.key]).toBe(REAL_NODE_LABEL.value);

      const calm = checkoutLoad(LIGHT, 150_000);
      const calmFrom = events.length;
      try {
        await until(
          "back to 1 replica",
          (e) =>
            e.outcome.kind === "scaled" &&
            e.outcome.action.to.kind === "Deployment" &&
            e.outcome.action.to.replicas === 1,
          calmFrom,
          140_000,
        );
      } finally {
        await calm.stop();
      }
      const ins = actions().slice(outs.length);
      expect(ins.map((a) => [a.action, a.to])).toEqual([
        ["scale-in", { kind: "Deployment", replicas: 2 }],
        ["scale-in", { kind: "Deployment", replicas: 1 }],
      ]);
      // Each scale-in waited out the stabilization window after the action before it.
      const times = actions().map((a: ScalingAction) => Date.parse(a.at));
      expect((times[2] ?? 0) - (times[1] ?? 0)).toBeGreaterThanOrEqual(20_000);
      expect((times[3] ?? 0) - (times[2] ?? 0)).toBeGreaterThanOrEqual(20_000);
      const live = await shop.apps.readNamespacedDeployment({ namespace: shop.namespace, name: "checkout" });
      expect(live.spec?.replicas).toBe(1);
      const recorded = await readScalingRecords(shop.namespace, { kubeConfig: shop.kubeConfig });
      expect(recorded.checkout?.actions.map((a) => a.action)).toEqual([
        "scale-out",
        "scale-out",
        "scale-in",
        "scale-in",
      ]);
      console.log(
        `scaling on the real node: ${actions()
          .map(
            (a) =>
              `${a.action} to ${a.to.kind === "Deployment" ? a.to.replicas : "?"} at p99 ${Math.round(a.measured.p99Ms ?? Number.NaN)} ms`,
          )
          .join(", ")}`,
      );
    } finally {
      controller.abort();
      await watch.catch(() => undefined);
    }
  }, 420_000);
});
