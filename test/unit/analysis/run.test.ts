// The analysis loop with a fake Prometheus client and a fake clock: Argo Rollouts' limits and outcomes, the early
// stop, the relative check, and what every measurement records.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type PipelineConfig, pipelineSchema } from "../../../src/config/schema.js";
import { worstPhase } from "../../../src/delivery/analysis/assess.js";
import {
  AnalysisInputError,
  defaultMetrics,
  PrometheusQueryError,
  runAnalysis,
} from "../../../src/delivery/analysis/index.js";
import { judgeRelative } from "../../../src/delivery/analysis/measure.js";
import { planAnalysis } from "../../../src/delivery/analysis/plan.js";
import type { InstantQueryResult, PrometheusClient } from "../../../src/delivery/analysis/prometheus-client.js";
import { executePlan } from "../../../src/delivery/analysis/run.js";

const raw = parse(readFileSync(fileURLToPath(new URL("../../../pipeline.yaml", import.meta.url)), "utf8"));
const NEW = "aaaaaaaaaaaa";
const OLD = "bbbbbbbbbbbb";

/** The real pipeline.yaml with dev's analysis block replaced. */
function configWith(analysis: unknown): PipelineConfig {
  return pipelineSchema.parse({
    ...raw,
    environments: { ...raw.environments, dev: { ...raw.environments.dev, analysis } },
  });
}

const metric = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  query: `${name}{namespace="{{namespace}}",service="{{service}}",revision="{{revision}}"}[{{window}}]`,
  successCondition: "result <= 1",
  ...extra,
});

/** One scripted answer: values (one per series), or an Error to throw. */
type Answer = number[] | Error;

/** A client answering each metric's queries from a script indexed by call number; records every query. */
function fakeClient(script: Record<string, (call: number, revision: string) => Answer>) {
  const queries: { query: string; time: number | undefined }[] = [];
  const calls = new Map<string, number>();
  const client: PrometheusClient = {
    async query(query, options) {
      queries.push({ query, time: options?.time });
      const name = query.slice(0, query.indexOf("{"));
      const revision = /revision="([^"]*)"/.exec(query)?.[1] ?? "";
      const key = `${name}/${revision}`;
      const call = calls.get(key) ?? 0;
      calls.set(key, call + 1);
      const answer = script[name]?.(call, revision) ?? new Error(`no script for ${name}`);
      if (answer instanceof Error) throw answer;
      return {
        resultType: "vector",
        samples: answer.map((value) => ({ labels: {}, value })),
        warnings: [],
      } satisfies InstantQueryResult;
    },
  };
  return { client, queries };
}

function fakeTime(start = Date.parse("2026-01-01T00:00:00Z")) {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: { now: () => now },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

async function analyse(
  analysis: unknown,
  script: Record<string, (call: number, revision: string) => Answer>,
  previousRevision?: string,
  baselineAt?: readonly number[],
) {
  const plan = planAnalysis({
    config: configWith(analysis),
    env: "dev",
    service: "api",
    revision: NEW,
    ...(previousRevision ? { previousRevision } : {}),
    ...(baselineAt ? { baselineAt } : {}),
  });
  const { client, queries } = fakeClient(script);
  const time = fakeTime();
  const logs: string[] = [];
  const logger = { info: (m: string) => logs.push(`info ${m}`), warn: (m: string) => logs.push(`warn ${m}`) };
  const result = await executePlan(plan, client, { clock: time.clock, sleep: time.sleep, logger });
  return { result, queries, sleeps: time.sleeps, logs };
}

const always = (answer: Answer) => () => answer;
const sequence =
  (...answers: Answer[]) =>
  (call: number) =>
    answers[Math.min(call, answers.length - 1)] as Answer;
const boom = () => new PrometheusQueryError("unreachable", "http://prom", "q", "cannot reach it (ECONNREFUSED)");

describe("runAnalysis", () => {
  it("measures every metric count times, interval apart after the initial delay, and succeeds", async () => {
    const { result, sleeps, queries, logs } = await analyse(
      { interval: "10s", count: 3, initialDelay: "1m", window: "2m", metrics: [metric("a"), metric("b")] },
      { a: always([0.5]), b: always([1]) },
    );
    expect(result.phase).toBe("Successful");
    expect(result.stoppedEarly).toBe(false);
    expect(sleeps).toEqual([60_000, 10_000, 10_000]);
    expect(result.metrics.map((m) => [m.name, m.phase, m.count, m.successful, m.message])).toEqual([
      ["a", "Successful", 3, 3, "count (3) reached"],
      ["b", "Successful", 3, 3, "count (3) reached"],
    ]);
    const [first] = result.metrics[0]?.measurements ?? [];
    expect(first).toEqual({
      phase: "Successful",
      value: [0.5],
      startedAt: "2026-01-01T00:01:00.000Z",
      finishedAt: "2026-01-01T00:01:00.000Z",
      query: `a{namespace="shop-dev",service="api",revision="${NEW}"}[2m]`,
      message: "result [0.5] met successCondition result <= 1",
    });
    expect(result.metrics[0]?.measurements.map((m) => m.startedAt)).toEqual([
      "2026-01-01T00:01:00.000Z",
      "2026-01-01T00:01:10.000Z",
      "2026-01-01T00:01:20.000Z",
    ]);
    expect(queries[0]?.time).toBe(Date.parse("2026-01-01T00:01:00Z"));
    expect(result).toMatchObject({ environment: "dev", namespace: "shop-dev", service: "api", revision: NEW });
    expect(result.message).toBe(
      `analysis of api revision ${NEW} in dev (shop-dev): Successful (2 metrics, 6 measurements)`,
    );
    expect(logs.at(-1)).toBe(`info ${result.message}`);
  });

  it("tolerates failureLimit failed measurements and fails on one more, stopping the run early", async () => {
    const within = await analyse(
      { count: 4, metrics: [metric("a", { failureLimit: 1 })] },
      { a: sequence([2], [0], [0], [0]) },
    );
    expect(within.result.phase).toBe("Successful");
    expect(within.result.metrics[0]).toMatchObject({ failed: 1, successful: 3, count: 4 });

    const beyond = await analyse(
      { count: 5, initialDelay: "0s", metrics: [metric("a", { failureLimit: 1 }), metric("b")] },
      { a: sequence([0], [2], [2], [0]), b: always([0]) },
    );
    expect(beyond.result.phase).toBe("Failed");
    expect(beyond.result.stoppedEarly).toBe(true);
    const [a, b] = beyond.result.metrics;
    expect(a).toMatchObject({ phase: "Failed", message: "failed (2) > failureLimit (1)", count: 3 });
    expect(a?.measurements.map((m) => m.phase)).toEqual(["Successful", "Failed", "Failed"]);
    expect(a?.measurements[1]?.message).toBe("result [2] did not meet successCondition result <= 1");
    // The other metric stops with the run and counts as Successful, as in Argo.
    expect(b).toMatchObject({ phase: "Successful", message: "run terminated", count: 3 });
    expect(beyond.sleeps).toHaveLength(2);
    expect(beyond.result.message).toContain(
      "Failed: a Failed, failed (2) > failureLimit (1) (last: result [2] did not meet successCondition result <= 1)",
    );
    expect(beyond.logs.at(-1)).toMatch(/^warn /);
  });

  it("fails on the first failed measurement with the default failureLimit 0", async () => {
    const { result } = await analyse({ count: 5, metrics: [metric("a")] }, { a: always([3]) });
    expect(result.metrics[0]).toMatchObject({ phase: "Failed", message: "failed (1) > failureLimit (0)" });
    expect(result.metrics[0]?.measurements).toHaveLength(1);
  });

  it("is Inconclusive when inconclusive measurements (neither condition, or no data) exceed inconclusiveLimit", async () => {
    const both = { successCondition: "result < 1", failureCondition: "result > 2" };
    const { result } = await analyse(
      { count: 5, metrics: [metric("a", { ...both, inconclusiveLimit: 1 })] },
      { a: sequence([0], [1.5], [], [0]) },
    );
    expect(result.phase).toBe("Inconclusive");
    expect(result.metrics[0]).toMatchObject({ inconclusive: 2, message: "inconclusive (2) > inconclusiveLimit (1)" });
    expect(result.metrics[0]?.measurements.map((m) => m.message)).toEqual([
      "result [0] met successCondition result < 1",
      "result [1.5] met neither successCondition result < 1 nor failureCondition result > 2",
      "no data: the query returned no series",
    ]);
    const nan = await analyse({ count: 2, metrics: [metric("a")] }, { a: always([Number.NaN]) });
    expect(nan.result.metrics[0]?.measurements[0]).toMatchObject({
      phase: "Inconclusive",
      message: "no data: the query returned NaN",
    });
  });

  it("is Error after more than consecutiveErrorLimit errors in a row; errors do not count toward count", async () => {
    // Four errors (the default limit), then successes: errors reset and the count of 2 takes 6 rounds.
    const recovered = await analyse({ count: 2, metrics: [metric("a")] }, { a: (call) => (call < 4 ? boom() : [0]) });
    expect(recovered.result.phase).toBe("Successful");
    expect(recovered.result.metrics[0]).toMatchObject({ count: 2, error: 4, consecutiveError: 0 });
    expect(recovered.result.metrics[0]?.measurements).toHaveLength(6);
    expect(recovered.result.metrics[0]?.measurements[0]).toMatchObject({
      phase: "Error",
      message: "Prometheus at http://prom: cannot reach it (ECONNREFUSED); query: q",
    });
    expect(recovered.result.metrics[0]?.measurements[0]).not.toHaveProperty("value");

    const broken = await analyse({ count: 2, metrics: [metric("a")] }, { a: () => boom() });
    expect(broken.result.phase).toBe("Error");
    expect(broken.result.metrics[0]).toMatchObject({
      message: "consecutiveErrors (5) > consecutiveErrorLimit (4)",
      error: 5,
      count: 0,
    });

    const strict = await analyse(
      { count: 3, metrics: [metric("a", { consecutiveErrorLimit: 0 })] },
      { a: sequence(boom(), [0]) },
    );
    expect(strict.result.metrics[0]).toMatchObject({ phase: "Error", error: 1 });
  });

  it("turns a condition that cannot be evaluated into an Error measurement", async () => {
    const { result } = await analyse(
      { count: 1, metrics: [metric("a", { consecutiveErrorLimit: 0 })] },
      { a: always([1, 2]) },
    );
    expect(result.metrics[0]?.measurements[0]?.phase).toBe("Error");
    expect(result.metrics[0]?.measurements[0]?.message).toContain("the query returned 2 series");
  });

  it("follows Argo with one condition: only failureCondition passes unless it holds; none always passes", async () => {
    const { result } = await analyse(
      {
        count: 1,
        metrics: [
          metric("a", { successCondition: undefined, failureCondition: "result > 1" }),
          { name: "b", query: "b{}" },
        ],
      },
      { a: always([1]), b: always([42]) },
    );
    expect(result.metrics.map((m) => m.measurements[0]?.message)).toEqual([
      "result [1] did not meet failureCondition result > 1",
      "result [42] (no conditions)",
    ]);
    expect(result.phase).toBe("Successful");
  });

  it("reports the worst metric phase: Failed > Error > Inconclusive > Successful", async () => {
    const errorAndFailed = await analyse(
      { count: 3, metrics: [metric("a", { consecutiveErrorLimit: 0 }), metric("b")] },
      { a: () => boom(), b: always([5]) },
    );
    expect(errorAndFailed.result.metrics.map((m) => m.phase)).toEqual(["Error", "Failed"]);
    expect(errorAndFailed.result.phase).toBe("Failed");
    const errorAndInconclusive = await analyse(
      { count: 3, metrics: [metric("a", { consecutiveErrorLimit: 0 }), metric("b")] },
      { a: () => boom(), b: always([]) },
    );
    expect(errorAndInconclusive.result.phase).toBe("Error");
    expect(worstPhase(["Successful", "Inconclusive"])).toBe("Inconclusive");
    expect(worstPhase([])).toBe("Successful");
  });

  describe("relative check", () => {
    const p99 = metric("p99", {
      successCondition: "result <= 1000",
      relative: { baseline: "previous", maxRatio: 1.2 },
    });

    it("fails a revision slower than maxRatio × the previous one even though the absolute SLO holds", async () => {
      const { result, queries } = await analyse(
        { count: 3, metrics: [p99] },
        { p99: (_, revision) => (revision === NEW ? [300] : [100]) },
        OLD,
      );
      expect(result.phase).toBe("Failed");
      const [m] = result.metrics[0]?.measurements ?? [];
      expect(m?.message).toBe(
        `result [300] met successCondition result <= 1000; relative check: 300 is 3× previous revision ${OLD}'s 100 (maxRatio 1.2)`,
      );
      expect(m?.baseline).toEqual({
        revision: OLD,
        query: `p99{namespace="shop-dev",service="api",revision="${OLD}"}[1m]`,
        value: [100],
        ratio: 3,
      });
      // Both revisions at the same evaluation time: the same window.
      expect(queries[0]?.time).toBe(queries[1]?.time);
    });

    it("passes within the ratio, with minRatio, and is skipped without a previous revision", async () => {
      const ok = await analyse({ count: 2, metrics: [p99] }, { p99: (_, r) => (r === NEW ? [110] : [100]) }, OLD);
      expect(ok.result.phase).toBe("Successful");
      expect(ok.result.metrics[0]?.measurements[0]?.baseline?.ratio).toBeCloseTo(1.1);

      const avail = metric("avail", {
        successCondition: undefined,
        relative: { baseline: "previous", minRatio: 0.99 },
      });
      const worse = await analyse({ count: 2, metrics: [avail] }, { avail: (_, r) => (r === NEW ? [0.9] : [1]) }, OLD);
      expect(worse.result.metrics[0]?.measurements[0]?.message).toContain("(minRatio 0.99)");
      expect(worse.result.phase).toBe("Failed");

      const first = await analyse({ count: 1, metrics: [p99] }, { p99: always([300]) });
      expect(first.result.phase).toBe("Successful");
      expect(first.result.metrics[0]?.measurements[0]?.message).toContain(
        "relative check skipped: no previous revision",
      );
      expect(first.queries).toHaveLength(1);
    });

    it("measures a replaced revision at the given times, the first with data, and says when", async () => {
      const beforeRollout = Date.parse("2025-12-31T23:59:00Z");
      const ownAnalysis = Date.parse("2025-12-31T22:00:00Z");
      // Quiet just before the rollout (NaN: no requests in the window), measured during its own analysis.
      const { result, queries } = await analyse(
        { count: 1, metrics: [p99] },
        { p99: (call, revision) => (revision === NEW ? [300] : call === 0 ? [Number.NaN] : [100]) },
        OLD,
        [beforeRollout, ownAnalysis],
      );
      expect(queries.filter((q) => q.query.includes(OLD)).map((q) => q.time)).toEqual([beforeRollout, ownAnalysis]);
      const [m] = result.metrics[0]?.measurements ?? [];
      expect(m?.phase).toBe("Failed");
      expect(m?.message).toContain(`300 is 3× previous revision ${OLD} as of 2025-12-31T22:00:00.000Z's 100`);
      expect(m?.baseline).toMatchObject({ value: [100], ratio: 3, at: "2025-12-31T22:00:00.000Z" });

      const stillQuiet = await analyse(
        { count: 1, metrics: [p99] },
        { p99: (_, r) => (r === NEW ? [300] : [Number.NaN]) },
        OLD,
        [beforeRollout, ownAnalysis],
      );
      expect(stillQuiet.result.metrics[0]?.measurements[0]?.message).toContain(
        `no data for previous revision ${OLD} as of 2025-12-31T22:00:00.000Z`,
      );
    });

    it("with histogram buckets, fails only when the two buckets are apart by more than the ratio", async () => {
      const buckets = [50, 100, 250, 500, 1000];
      const judged = (now: number, then: number) => judgeRelative([now], [then], { maxRatio: 1.2, buckets }, OLD);
      // 244 and 470 ms: 1.93×, but (100, 250] and (250, 500] are neighbours: 250 is not above 1.2 × 250
      expect(judged(470, 244)).toMatchObject({
        phase: "Successful",
        message: `relative check: 470 is 1.926× previous revision ${OLD}'s 244 (maxRatio 1.2), but a histogram only places them in buckets 250-500 and 100-250, within that bound of each other`,
      });
      expect(judged(240, 99.7).phase).toBe("Successful"); // (50, 100] and (100, 250]
      expect(judged(300, 99.7)).toMatchObject({ phase: "Failed" }); // 250 > 1.2 × 100
      expect(judged(1200, 600).phase).toBe("Successful"); // (1000, ∞) next to (500, 1000]
      expect(judged(1500, 200).phase).toBe("Failed"); // past the last bound: 1000 > 1.2 × 250
      expect(judged(110, 100)).toMatchObject({ phase: "Successful", ratio: 1.1 });
      const lower = (now: number, then: number) => judgeRelative([now], [then], { minRatio: 0.5, buckets }, OLD);
      expect(lower(20, 90).phase).toBe("Successful"); // (0, 50] next to (50, 100]
      expect(lower(20, 300).phase).toBe("Failed"); // 50 < 0.5 × 250
    });

    it("is Inconclusive without baseline data, and Error when the baseline query fails", async () => {
      const noData = await analyse({ count: 1, metrics: [p99] }, { p99: (_, r) => (r === NEW ? [100] : []) }, OLD);
      expect(noData.result.metrics[0]?.measurements[0]).toMatchObject({
        phase: "Inconclusive",
        message: `result [100] met successCondition result <= 1000; relative check: no data for previous revision ${OLD}`,
      });
      const failing = await analyse(
        { count: 1, metrics: [{ ...p99, consecutiveErrorLimit: 0 }] },
        { p99: (_, r) => (r === NEW ? [100] : boom()) },
        OLD,
      );
      expect(failing.result.metrics[0]?.measurements[0]?.phase).toBe("Error");
      expect(failing.result.metrics[0]?.measurements[0]?.message).toContain("previous revision: Prometheus at");
    });
  });
});

describe("runAnalysis inputs", () => {
  const config = configWith({ count: 1, metrics: [metric("a")] });
  const response = (value: string) =>
    new Response(
      JSON.stringify({
        status: "success",
        data: { resultType: "vector", result: [{ metric: {}, value: [1, value] }] },
      }),
      { status: 200, headers: { "content-type": "application/json" } },
    );
  const answer = (value: string) => (async () => response(value)) as unknown as typeof fetch;

  it("selects the revision by the first 12 hex digits of its image digest, over HTTP", async () => {
    const sent: string[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      sent.push(`${url} ${new URLSearchParams(String(init.body)).get("query")}`);
      return response("0.5");
    }) as unknown as typeof globalThis.fetch;
    const result = await runAnalysis({
      config,
      env: "dev",
      service: "api",
      revision: `sha256:0123456789ab${"f".repeat(52)}`,
      prometheusUrl: "http://prom.test:9090/",
      fetch,
      sleep: async () => {},
    });
    expect(result.phase).toBe("Successful");
    expect(result.revision).toBe("0123456789ab");
    expect(sent).toEqual([
      'http://prom.test:9090/api/v1/query a{namespace="shop-dev",service="api",revision="0123456789ab"}[1m]',
    ]);
  });

  it("refuses unknown services and revisions that are not digests", async () => {
    const base = { config, env: "dev" as const, prometheusUrl: "http://p", fetch: answer("1") };
    await expect(runAnalysis({ ...base, service: "cart", revision: NEW })).rejects.toThrow(
      'unknown service "cart" (pipeline.yaml declares: storefront, api, checkout, payments)',
    );
    await expect(runAnalysis({ ...base, service: "api", revision: "v1.2" })).rejects.toThrow(AnalysisInputError);
    await expect(
      runAnalysis({ ...base, service: "api", revision: NEW, previousRevision: "sha256:xyz" }),
    ).rejects.toThrow('previous revision "sha256:xyz" is neither an image digest');
  });
});

describe("defaultMetrics", () => {
  it("derives error ratio, p99 latency (with a relative check) and availability from the slo", () => {
    const metrics = defaultMetrics({ errorRate: 0.01, p99LatencyMs: 500, availability: 0.995 });
    expect(metrics.map((m) => [m.name, m.successCondition, m.relative])).toEqual([
      ["error-ratio", "result <= 0.01", undefined],
      [
        "latency-p99",
        "result <= 500",
        { baseline: "previous", maxRatio: 1.2, buckets: [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] },
      ],
      ["availability", "result >= 0.995", undefined],
    ]);
    for (const m of metrics) {
      expect(m.query).toContain('namespace="{{namespace}}",service="{{service}}",revision="{{revision}}"');
      expect(m.query).toContain("[{{window}}]");
      expect(m).toMatchObject({ failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4 });
    }
  });
});
