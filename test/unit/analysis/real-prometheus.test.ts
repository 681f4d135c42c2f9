// The analysis against a real Prometheus (Debian's binary) scraping real HTTP servers: a revision three times
// slower than the one it replaces fails the relative p99 check while meeting the absolute SLO, and a revision as
// fast as its predecessor passes. Also the client's errors as Prometheus really reports them.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { pipelineSchema } from "../../../src/config/schema.js";
import { createPrometheusClient, PrometheusQueryError, runAnalysis } from "../../../src/delivery/analysis/index.js";
import { digestLabelValue } from "../../../src/delivery/manifests/labels.js";
import { TARGET_LABELS } from "../../../src/monitoring/scrape-config.js";
import {
  freePort,
  generateLoad,
  type RunningPrometheus,
  type SlowServer,
  startPrometheus,
  startSlowServer,
} from "./real-prometheus.js";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const OLD = digest("0");
const SLOW = digest("5");
const GOOD = digest("6");

const raw = parse(readFileSync(fileURLToPath(new URL("../../../pipeline.yaml", import.meta.url)), "utf8"));
// The environment's own SLO and default metrics, measured every second over a 5 s window once data has arrived.
const config = pipelineSchema.parse({
  ...raw,
  environments: {
    ...raw.environments,
    dev: { ...raw.environments.dev, analysis: { interval: "1s", count: 3, initialDelay: "3s", window: "5s" } },
  },
});

describe("analysis against a real Prometheus", () => {
  let prometheus: RunningPrometheus | undefined;
  const servers: SlowServer[] = [];
  let load: { stop(): Promise<void> } | undefined;

  beforeAll(async () => {
    // 30 ms and 150 ms sit inside the (25 ms, 50 ms] and (100 ms, 250 ms] buckets with room for scheduling jitter:
    // far enough apart for the relative check, which cannot tell neighbouring buckets apart by 1.2×.
    const [old, slow, good] = await Promise.all([startSlowServer(30), startSlowServer(150), startSlowServer(30)]);
    servers.push(old as SlowServer, slow as SlowServer, good as SlowServer);
    load = generateLoad(servers);
    const target = (server: SlowServer | undefined, revision: string) => ({
      address: (server as SlowServer).address,
      labels: {
        [TARGET_LABELS.namespace]: "shop-dev",
        [TARGET_LABELS.service]: "api",
        [TARGET_LABELS.revision]: digestLabelValue(revision),
      },
    });
    prometheus = await startPrometheus([target(old, OLD), target(slow, SLOW), target(good, GOOD)]);
  }, 30_000);

  afterAll(async () => {
    await load?.stop();
    await prometheus?.stop();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it("fails a 5× slower revision on the relative p99 check although it meets the SLO, and passes a good one", async () => {
    const started = Date.now();
    const analyse = (revision: string) =>
      runAnalysis({
        config,
        env: "dev",
        service: "api",
        revision,
        previousRevision: OLD,
        prometheusUrl: (prometheus as RunningPrometheus).url,
      });
    const [slow, good] = await Promise.all([analyse(SLOW), analyse(GOOD)]);
    const p99 = (r: typeof slow) => r.metrics.find((m) => m.name === "latency-p99");

    expect(slow.phase, slow.message).toBe("Failed");
    expect(slow.stoppedEarly).toBe(true);
    const slowP99 = p99(slow)?.measurements[0];
    expect(slowP99?.phase).toBe("Failed");
    // The absolute SLO (dev: p99 ≤ 1000 ms) holds; only the comparison with the previous revision fails.
    expect(slowP99?.message).toContain("met successCondition result <= 1000");
    expect(slowP99?.message).toContain("relative check:");
    expect(slowP99?.value?.[0]).toBeLessThanOrEqual(1000);
    expect(slowP99?.value?.[0]).toBeGreaterThan(50);
    expect(slowP99?.baseline?.ratio).toBeGreaterThan(1.2);
    expect(slowP99?.query).toContain(`revision="${digestLabelValue(SLOW)}"`);
    expect(slowP99?.baseline?.query).toContain(`revision="${digestLabelValue(OLD)}"`);
    for (const name of ["error-ratio", "availability"]) {
      expect(slow.metrics.find((m) => m.name === name)?.measurements[0]?.phase, name).toBe("Successful");
    }

    expect(good.phase, good.message).toBe("Successful");
    for (const metric of good.metrics) {
      expect(
        metric.measurements.map((m) => m.phase),
        metric.name,
      ).toEqual(["Successful", "Successful", "Successful"]);
    }
    expect(p99(good)?.measurements[0]?.baseline?.ratio).toBeLessThanOrEqual(1.2);
    expect(good.metrics.find((m) => m.name === "error-ratio")?.measurements[0]?.value).toEqual([0]);
    expect(good.metrics.find((m) => m.name === "availability")?.measurements[0]?.value).toEqual([1]);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 40_000);

  it("reports Prometheus' own error for a bad query, and an unreachable server, with the query", async () => {
    const client = createPrometheusClient({ url: (prometheus as RunningPrometheus).url });
    const error = await client.query("sum(rate(").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusQueryError);
    expect(error).toMatchObject({ kind: "prometheus", status: 400, errorType: "bad_data", query: "sum(rate(" });
    expect((error as Error).message).toMatch(
      /query failed \(HTTP 400, bad_data: .*parse error.*\); query: sum\(rate\($/,
    );

    const scalar = await client.query("vector(1) * 0 + 2");
    expect(scalar.samples.map((s) => s.value)).toEqual([2]);
    const range = await client.query("up[5s]").catch((e: unknown) => e);
    expect((range as Error).message).toContain("answered a matrix");

    const closed = `http://127.0.0.1:${await freePort()}`;
    const gone = createPrometheusClient({ url: closed });
    await expect(gone.query("up")).rejects.toMatchObject({ kind: "unreachable", url: closed });
    await expect(gone.query("up")).rejects.toThrow(
      `Prometheus at ${closed}: cannot reach it (ECONNREFUSED); query: up`,
    );
  });
});
