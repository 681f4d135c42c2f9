// The Prometheus client's answers and failures that a real server does not produce on demand: proxies answering
// HTML, JSON of another shape, silence, special float values.
import { describe, expect, it } from "vitest";
import { createPrometheusClient, PrometheusQueryError } from "../../../src/delivery/analysis/index.js";

const replying = (status: number, body: string) =>
  (async () => new Response(body, { status })) as unknown as typeof fetch;

describe("createPrometheusClient", () => {
  it("reads NaN and ±Inf, and passes warnings on", async () => {
    const body = {
      status: "success",
      warnings: ["partial"],
      data: {
        resultType: "vector",
        result: ["NaN", "+Inf", "-Inf", "0.25"].map((v, i) => ({ metric: { i: String(i) }, value: [1, v] })),
      },
    };
    const client = createPrometheusClient({ url: "http://p", fetch: replying(200, JSON.stringify(body)) });
    const result = await client.query("q");
    expect(result.samples.map((s) => s.value)).toEqual([Number.NaN, Infinity, -Infinity, 0.25]);
    expect(result.samples[3]?.labels).toEqual({ i: "3" });
    expect(result.warnings).toEqual(["partial"]);
  });

  it.each([
    [502, "<html>Bad Gateway</html>", "http", "answered HTTP 502 with a body that is not JSON"],
    [
      200,
      '{"status":"success","data":{"resultType":"vector","result":[{"value":[1,2]}]}}',
      "malformed",
      "with JSON that is not a query result",
    ],
    [
      503,
      '{"status":"error","errorType":"unavailable","error":"TSDB not ready"}',
      "prometheus",
      "query failed (HTTP 503, unavailable: TSDB not ready)",
    ],
  ])("turns HTTP %i %s into a %s error", async (status, body, kind, message) => {
    const client = createPrometheusClient({ url: "http://p/", fetch: replying(status, body) });
    const error = await client.query("up").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusQueryError);
    expect(error).toMatchObject({ kind, status, query: "up", url: "http://p" });
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).toMatch(/^Prometheus at http:\/\/p: .*; query: up$/);
  });

  it("gives up after timeoutMs", async () => {
    const hanging = ((_url: string, init: RequestInit) =>
      new Promise((_, reject) =>
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      )) as unknown as typeof fetch;
    const client = createPrometheusClient({ url: "http://p", fetch: hanging, timeoutMs: 50 });
    await expect(client.query("up")).rejects.toMatchObject({
      kind: "timeout",
      message: expect.stringContaining("no answer within 50 ms"),
    });
  });

  it("sends the query and evaluation time as a form, with Prometheus' own timeout", async () => {
    let sent: URLSearchParams | undefined;
    const capture = (async (_url: string, init: RequestInit) => {
      sent = new URLSearchParams(String(init.body));
      return new Response('{"status":"success","data":{"resultType":"scalar","result":[1,"3"]}}');
    }) as unknown as typeof fetch;
    const client = createPrometheusClient({ url: "http://p", fetch: capture, timeoutMs: 5_000 });
    expect((await client.query("1+2", { time: 1_700_000_000_123 })).samples).toEqual([{ labels: {}, value: 3 }]);
    expect(Object.fromEntries(sent ?? [])).toEqual({ query: "1+2", time: "1700000000.123", timeout: "5s" });
  });
});
