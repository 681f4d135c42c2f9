// deliver watch on the real API server (kwok nodes, the real Deployment and HPA controllers) with Debian's real
// Prometheus scraping a real HTTP server whose latency the test drives: fast, then slow (p99 over the SLO with no
// errors: saturation), then fast again. With fixed replicas the Deployment is scaled out through its scale
// subresource up to scaling.maxReplicas and back to pipeline.yaml's replicas after the stabilization window; under
// an HPA the HPA's minReplicas/maxReplicas move instead and the HPA controller does the scaling. Every action is in
// the scaling ConfigMap and in `deliver status`; the CLI's --once and SIGTERM are exercised too.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseDocument } from "yaml";
import { type PipelineConfig, parsePipelineConfig } from "../../../src/config/index.js";
import { createPrometheusClient } from "../../../src/delivery/analysis/index.js";
import { applyObjects } from "../../../src/delivery/apply.js";
import { AppsV1Api, AutoscalingV2Api, type KubernetesObject } from "../../../src/delivery/kube-client.js";
import { renderServiceManifests } from "../../../src/delivery/manifests/index.js";
import { digestLabelValue } from "../../../src/delivery/manifests/labels.js";
import { waitForRollout } from "../../../src/delivery/rollout-status.js";
import {
  readScalingRecords,
  type ScalingAction,
  type WatchEvent,
  type WatchSummary,
  watchScaling,
} from "../../../src/delivery/scaling/index.js";
import { SCALING_FIELD_MANAGER } from "../../../src/delivery/scaling/records.js";
import { TARGET_LABELS } from "../../../src/monitoring/scrape-config.js";
import {
  freePort,
  generateLoad,
  type RunningPrometheus,
  type SlowServer,
  startPrometheus,
  startSlowServer,
} from "../../unit/analysis/real-prometheus.js";
import { notYet, waitFor } from "../src/wait.js";
import { createShopNamespace, deleteNamespace, fakeImage, testKubeConfig, uniqueNamespace } from "./helpers.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const kubeConfig = testKubeConfig();
const FAST_MS = 30; // p99 about 50 ms: under half of either SLO
const SLOW_MS = 900; // p99 about 1 s: over staging's 500 ms and prod's 300 ms SLO
// Short enough for a test, with the same shape as the defaults: decisions every 2 s over a 5 s window, 6 s between
// scale-outs, 20 s of quiet before each scale-in.
const SCALING = {
  maxReplicas: 4,
  scaleOutStep: 1,
  scaleInStep: 1,
  stabilizationWindow: "20s",
  scaleOutCooldown: "6s",
  scaleInBelow: 0.5,
  interval: "2s",
  window: "5s",
  healthyLookback: "10m",
};

const namespaces = { staging: uniqueNamespace("watch-staging"), prod: uniqueNamespace("watch-prod") };
const dir = mkdtempSync(join(tmpdir(), "scaling-watch-"));
const configFile = join(dir, "pipeline.yaml");
const config = writeConfig();
const image = (service: string) => fakeImage(config, service, "v1");
const revision = digestLabelValue(image("api").slice(image("api").indexOf("@") + 1));
const delays = { staging: FAST_MS, prod: FAST_MS };
const servers: Partial<Record<"staging" | "prod", SlowServer>> = {};
let prometheus: RunningPrometheus | undefined;
let load: { stop(): Promise<void> } | undefined;
/** Watches a failed test left running. */
const running = new Set<AbortController>();

/** pipeline.yaml with staging at 2 replicas and prod autoscaled 2–3, both with a scaling block, in our namespaces. */
function writeConfig(): PipelineConfig {
  const doc = parseDocument(readFileSync(join(root, "pipeline.yaml"), "utf8"));
  for (const env of ["staging", "prod"] as const) {
    doc.setIn(["environments", env, "namespace"], namespaces[env]);
    doc.setIn(["environments", env, "scaling"], doc.createNode(SCALING));
  }
  doc.setIn(["environments", "staging", "replicas"], 2);
  doc.setIn(["environments", "prod", "autoscaling"], doc.createNode({ min: 2, max: 3, targetCPUUtilization: 70 }));
  writeFileSync(configFile, doc.toString());
  return parsePipelineConfig(readFileSync(configFile, "utf8"), configFile);
}

/** The api service's Deployment, ConfigMap and (under autoscaling) HPA, as deploy renders them. */
async function deployApi(env: "staging" | "prod"): Promise<void> {
  await createShopNamespace(kubeConfig, namespaces[env], ["api"]);
  const images = Object.fromEntries(Object.keys(config.services).map((s) => [s, image(s)]));
  const m = renderServiceManifests(config, env, { images }, "api");
  const objects = [m.configMap, m.deployment, m.horizontalPodAutoscaler].filter(Boolean) as KubernetesObject[];
  await applyObjects(objects, { kubeConfig });
}

/** Runs watchScaling in the background and lets the test wait for the events it is driving toward. */
function startWatch(env: "staging" | "prod") {
  const events: WatchEvent[] = [];
  const controller = new AbortController();
  const done: Promise<WatchSummary> = watchScaling({
    config,
    env,
    services: ["api"],
    prometheus: createPrometheusClient({ url: (prometheus as RunningPrometheus).url }),
    kubeConfig,
    forMs: 280_000,
    signal: controller.signal,
    onEvent: (event) => events.push(event),
  });
  let failure: Error | undefined;
  done.catch((error: unknown) => {
    failure = error as Error;
  });
  running.add(controller);
  const show = (e: WatchEvent | undefined) =>
    e === undefined
      ? "no evaluation yet"
      : e.outcome.kind === "hold"
        ? `hold (${e.outcome.code}): ${e.outcome.reason}`
        : `${e.outcome.action.action}`;
  return {
    events,
    actions: () => events.flatMap((e) => (e.outcome.kind === "scaled" ? [e.outcome.action] : [])),
    /** Waits for an event after the `after`-th that matches. */
    until: (what: string, match: (e: WatchEvent) => boolean, after = 0, timeoutMs = 90_000) =>
      waitFor(
        what,
        async () => {
          if (failure) throw failure;
          const found = events.slice(after).find(match);
          return found ?? notYet(`last: ${show(events.at(-1))}`);
        },
        { timeoutMs, intervalMs: 200 },
      ),
    stop: async () => {
      controller.abort();
      running.delete(controller);
      return done;
    },
  };
}

const hold = (code: string) => (e: WatchEvent) => e.outcome.kind === "hold" && e.outcome.code === code;
const secondsBetween = (a: ScalingAction | undefined, b: ScalingAction | undefined) =>
  (Date.parse(b?.at ?? "") - Date.parse(a?.at ?? "")) / 1000;

/** Prints when each action came, counted from the switch to slow or back to fast, for the figures in the notes. */
function report(what: string, slowAt: number, fastAt: number, actions: readonly ScalingAction[]): void {
  const since = (t: number, a: ScalingAction) => `${((Date.parse(a.at) - t) / 1000).toFixed(1)} s`;
  const lines = actions.map(
    (a) =>
      `${a.action} ${since(a.action === "scale-out" ? slowAt : fastAt, a)} after the switch to ${a.action === "scale-out" ? "slow" : "fast"}`,
  );
  console.info(`${what}: ${lines.join("; ")}`);
}

/** `deliver <args> --config <ours>` as a user runs it. */
function deliver(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "src/cli/deliver.ts", ...args, "--config", configFile],
      { cwd: root, env: { ...process.env, KUBECONFIG: inject("kubeconfig") }, timeout: 110_000 },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        resolve({ code: typeof code === "number" ? code : null, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  const [staging, prod] = await Promise.all([
    startSlowServer(() => delays.staging),
    startSlowServer(() => delays.prod),
    deployApi("staging"),
    deployApi("prod"),
  ]);
  servers.staging = staging;
  servers.prod = prod;
  // Bounded: at most 40 000 requests per server (about 10 minutes at the fast latency).
  load = generateLoad([staging, prod], 2, 40_000);
  const target = (server: SlowServer, env: "staging" | "prod") => ({
    address: server.address,
    labels: {
      [TARGET_LABELS.namespace]: namespaces[env],
      [TARGET_LABELS.service]: "api",
      [TARGET_LABELS.revision]: revision,
    },
  });
  prometheus = await startPrometheus([target(staging, "staging"), target(prod, "prod")]);
}, 120_000);

afterAll(async () => {
  for (const controller of running) controller.abort();
  await load?.stop();
  await prometheus?.stop();
  await Promise.all(Object.values(servers).map((s) => s.stop()));
  await Promise.all(Object.values(namespaces).map((ns) => deleteNamespace(kubeConfig, ns)));
  rmSync(dir, { recursive: true, force: true });
});

describe("deliver watch", () => {
  it("scales a saturated Deployment out to maxReplicas through the scale subresource, and back after the window", async () => {
    const ns = namespaces.staging;
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    await waitForRollout(ns, "api", { kubeConfig, timeoutMs: 60_000 });
    const watch = startWatch("staging");
    await watch.until("a steady p99 at 2 replicas", hold("steady"));

    delays.staging = SLOW_MS;
    const slowAt = Date.now();
    const atCeiling = await watch.until("the watch to reach the ceiling", hold("ceiling"));
    expect(watch.actions().map((a) => [a.action, a.from, a.to])).toEqual([
      ["scale-out", { kind: "Deployment", replicas: 2 }, { kind: "Deployment", replicas: 3 }],
      ["scale-out", { kind: "Deployment", replicas: 3 }, { kind: "Deployment", replicas: 4 }],
    ]);
    expect((await apps.readNamespacedDeploymentScale({ namespace: ns, name: "api" })).spec?.replicas).toBe(4);
    const [firstOut, secondOut] = watch.actions();
    expect(secondsBetween(firstOut, secondOut)).toBeGreaterThanOrEqual(6); // scaleOutCooldown
    expect(firstOut?.reason).toMatch(/^saturation: p99 \d+ ms is over slo.p99LatencyMs 500 ms with error ratio 0%/);
    expect(firstOut?.measured.p99Ms).toBeGreaterThan(500);

    delays.staging = FAST_MS;
    const fastAt = Date.now();
    const afterCeiling = watch.events.indexOf(atCeiling);
    await watch.until("two scale-ins and a steady p99", hold("steady"), afterCeiling, 150_000);
    const summary = await watch.stop();
    expect(summary.stoppedBy).toBe("signal");

    const actions = watch.actions();
    expect(actions.map((a) => [a.action, a.from, a.to])).toEqual([
      ["scale-out", { kind: "Deployment", replicas: 2 }, { kind: "Deployment", replicas: 3 }],
      ["scale-out", { kind: "Deployment", replicas: 3 }, { kind: "Deployment", replicas: 4 }],
      ["scale-in", { kind: "Deployment", replicas: 4 }, { kind: "Deployment", replicas: 3 }],
      ["scale-in", { kind: "Deployment", replicas: 3 }, { kind: "Deployment", replicas: 2 }],
    ]);
    // Each scale-in waited the stabilization window (20 s) after the action before it.
    expect(secondsBetween(actions[1], actions[2])).toBeGreaterThanOrEqual(20);
    expect(secondsBetween(actions[2], actions[3])).toBeGreaterThanOrEqual(20);
    expect(watch.events.slice(afterCeiling).some(hold("stabilising"))).toBe(true);
    expect(actions[2]?.reason).toMatch(/^p99 at most \d+ ms for the last 20s, under 250 ms/);
    report("fixed replicas", slowAt, fastAt, actions);
    const d = await apps.readNamespacedDeployment({ namespace: ns, name: "api" });
    expect(d.spec?.replicas).toBe(2);
    expect(d.metadata?.managedFields?.some((f) => f.manager === SCALING_FIELD_MANAGER)).toBe(true);

    const records = await readScalingRecords(ns, { kubeConfig });
    expect(records.api?.actions).toEqual(actions);

    const status = await deliver(["status", "--env", "staging"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("scaling (deliver watch), last action per service:");
    expect(status.stdout).toMatch(
      new RegExp(
        `\\n  api scale-in at \\S+: Deployment ${ns}/api from 3 replicas to 2 replicas; p99 at most .* \\(3 earlier\\)\\n`,
      ),
    );
    const json = JSON.parse((await deliver(["status", "--env", "staging", "--json"])).stdout);
    expect(json.scaling.api.actions).toHaveLength(4);
  }, 300_000);

  it("under an HPA moves the HPA's minReplicas and maxReplicas and leaves the replica count to the HPA controller", async () => {
    const ns = namespaces.prod;
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const autoscaling = kubeConfig.makeApiClient(AutoscalingV2Api);
    const readHpa = () => autoscaling.readNamespacedHorizontalPodAutoscaler({ namespace: ns, name: "api" });
    const replicasReach = (n: number) =>
      waitFor(
        `the HPA controller to run ${n} replicas`,
        async () => {
          const scale = await apps.readNamespacedDeploymentScale({ namespace: ns, name: "api" });
          return scale.spec?.replicas === n ? n : notYet(`spec.replicas ${scale.spec?.replicas}`);
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    await replicasReach(2); // the Deployment is rendered without replicas; the HPA brings it to its minimum
    await waitForRollout(ns, "api", { kubeConfig, timeoutMs: 60_000 });
    const watch = startWatch("prod");
    await watch.until("a steady p99 at the declared HPA bounds", hold("steady"));

    delays.prod = SLOW_MS;
    const slowAt = Date.now();
    const atCeiling = await watch.until("the watch to raise minReplicas to the ceiling", hold("ceiling"));
    const hpa = (minReplicas: number, maxReplicas: number) => ({
      kind: "HorizontalPodAutoscaler",
      minReplicas,
      maxReplicas,
    });
    expect(watch.actions().map((a) => [a.action, a.target, a.from, a.to])).toEqual([
      ["scale-out", `HorizontalPodAutoscaler ${ns}/api`, hpa(2, 3), hpa(3, 3)],
      ["scale-out", `HorizontalPodAutoscaler ${ns}/api`, hpa(3, 3), hpa(4, 4)],
    ]);
    expect((await readHpa()).spec).toMatchObject({ minReplicas: 4, maxReplicas: 4 });
    await replicasReach(4); // the HPA controller, not the watch, scaled the Deployment
    const followedAfter = (Date.now() - Date.parse(watch.actions()[1]?.at ?? "")) / 1000;

    delays.prod = FAST_MS;
    const fastAt = Date.now();
    await watch.until("the HPA back at its declared bounds", hold("steady"), watch.events.indexOf(atCeiling), 150_000);
    await watch.stop();
    expect(
      watch
        .actions()
        .map((a) => [a.action, a.from, a.to])
        .slice(2),
    ).toEqual([
      ["scale-in", hpa(4, 4), hpa(3, 3)],
      ["scale-in", hpa(3, 3), hpa(2, 3)],
    ]);
    report("HPA", slowAt, fastAt, watch.actions());
    console.info(`HPA: the HPA controller ran 4 replicas ${followedAfter.toFixed(1)} s after minReplicas became 4`);
    const back = await readHpa();
    expect(back.spec).toMatchObject({ minReplicas: 2, maxReplicas: 3 });
    expect(back.metadata?.managedFields?.some((f) => f.manager === SCALING_FIELD_MANAGER)).toBe(true);
    // Lowering maxReplicas to 3 made the HPA controller give the fourth pod back.
    await replicasReach(3);
    const d = await apps.readNamespacedDeployment({ namespace: ns, name: "api" });
    expect(d.metadata?.managedFields?.some((f) => f.manager === SCALING_FIELD_MANAGER)).toBe(false);
    expect((await readScalingRecords(ns, { kubeConfig })).api?.actions).toHaveLength(4);
  }, 300_000);

  it("deliver watch --once prints one decision per service and exits 0; --for refuses a second watch and stops on SIGTERM with a summary", async () => {
    const once = await deliver([
      "watch",
      "--env",
      "staging",
      "--once",
      "--prometheus-url",
      (prometheus as RunningPrometheus).url,
    ]);
    expect(once.code, once.stderr).toBe(0);
    const lines = once.stdout.trim().split("\n");
    expect(lines).toHaveLength(5); // four services, then the summary
    expect(
      lines.find((l) => / api hold \(steady\): p99 \d+ ms at the capacity pipeline.yaml declares$/.test(l)),
    ).toBeDefined();
    expect(lines.filter((l) => / hold \(not-deployed\): /.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toBe("watched staging: 1 evaluation, 0 actions; stopped after one pass");

    const child = spawn(
      process.execPath,
      [
        "--conditions=source",
        "--import",
        "tsx",
        "src/cli/deliver.ts",
        "watch",
        "--env",
        "staging",
        "--service",
        "api",
        "--for",
        "10m",
        "--prometheus-url",
        (prometheus as RunningPrometheus).url,
        "--config",
        configFile,
      ],
      { cwd: root, env: { ...process.env, KUBECONFIG: inject("kubeconfig") } },
    );
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await waitFor("the first decision", async () => (stdout.includes(" api hold ") ? true : notYet(stdout)), {
      timeoutMs: 60_000,
    });
    // one watch per environment: a second one stops at once and names the first
    const second = await deliver([
      "watch",
      "--env",
      "staging",
      "--once",
      "--prometheus-url",
      (prometheus as RunningPrometheus).url,
    ]);
    expect(second.code, second.stderr).toBe(1);
    expect(second.stderr.trim().split("\n").at(-1)).toMatch(
      new RegExp(
        `^another watch in namespace ${namespaces.staging} is running \\(lock Lease ${namespaces.staging}/ecommerce-delivery-watch held by "[^"]+/${child.pid}/[0-9a-f]{6}" since \\S+\\); waited 0s: retry when it has finished, or delete the Lease if that watch is dead$`,
      ),
    );
    expect(second.stdout).toBe("");
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/\nwatched staging: \d+ evaluations?, 0 actions; stopped on a signal\n$/);
  }, 120_000);

  it("stops with exit 1 and one line naming Prometheus after three evaluations in a row without an answer", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await deliver([
      "watch",
      "--env",
      "staging",
      "--service",
      "api",
      "--for",
      "5m",
      "--prometheus-url",
      url,
    ]);
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("warning: staging/api: Prometheus at "))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^deliver watch of staging stopped: Prometheus failed 3 evaluations in a row, so the watch cannot see what it would act on; last: Prometheus at ${url}: cannot reach it \\(ECONNREFUSED\\); query: `,
      ),
    );
    expect(run.stdout).toMatch(/ api hold \(prometheus-error\): Prometheus at /);
  }, 120_000);
});
