// Instant queries against Prometheus' HTTP API (POST /api/v1/query), answers validated with zod. Every failure
// becomes a PrometheusQueryError naming the URL, the HTTP status, Prometheus' own errorType and error, and the query.
import { z } from "zod";
import { PrometheusQueryError } from "../errors.js";

/** One series of an instant vector: its labels and its value at the evaluation time. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The answer to an instant query, reduced to what conditions need: one value per series (a scalar is one). */
export interface InstantQueryResult {
  readonly resultType: "vector" | "scalar";
  readonly samples: readonly Sample[];
  /** Prometheus' warnings, if it sent any. */
  readonly warnings: readonly string[];
}

/** What the analysis needs from Prometheus; tests substitute a fake. */
export interface PrometheusClient {
  /** Evaluates `promql` at `time` (epoch ms; default: Prometheus' now). */
  query(promql: string, options?: { readonly time?: number }): Promise<InstantQueryResult>;
}

/** Options for {@link createPrometheusClient}. */
export interface PrometheusClientOptions {
  /** Base URL of Prometheus, e.g. `http://127.0.0.1:9090` (a path prefix such as `/prometheus` is kept). */
  readonly url: string;
  /** Defaults to the global fetch. */
  readonly fetch?: typeof fetch;
  /** Per query, client side; Prometheus' own `timeout` parameter is set to the same. Default 10 s. */
  readonly timeoutMs?: number;
}

// Sample values are strings so that NaN and ±Inf survive JSON.
const sampleValue = z.tuple([z.number(), z.string()]);
const successSchema = z.object({
  status: z.literal("success"),
  data: z.discriminatedUnion("resultType", [
    z.object({
      resultType: z.literal("vector"),
      result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleValue })),
    }),
    z.object({ resultType: z.literal("scalar"), result: sampleValue }),
    z.object({ resultType: z.literal("matrix"), result: z.array(z.unknown()) }),
    z.object({ resultType: z.literal("string"), result: sampleValue }),
  ]),
  warnings: z.array(z.string()).optional(),
});
const errorSchema = z.object({ status: z.literal("error"), errorType: z.string(), error: z.string() });
const answerSchema = z.union([successSchema, errorSchema]);

/** A client for one Prometheus server. */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const base = options.url.replace(/\/+$/, "");
  const endpoint = `${base}/api/v1/query`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;

  return {
    async query(promql, queryOptions = {}) {
      const fail = (...args: [PrometheusQueryError["kind"], string, number?, string?, string?]) =>
        new PrometheusQueryError(args[0], base, promql, args[1], args[2], args[3], args[4]);
      const form = new URLSearchParams({ query: promql, timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s` });
      if (queryOptions.time !== undefined) form.set("time", (queryOptions.time / 1000).toFixed(3));

      let response: Response;
      let text: string;
      try {
        response = await doFetch(endpoint, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body: form.toString(),
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        const err = error as Error & { cause?: { code?: string; message?: string } };
        if (err.name === "TimeoutError" || err.name === "AbortError")
          throw fail("timeout", `no answer within ${timeoutMs} ms`);
        throw fail("unreachable", `cannot reach it (${err.cause?.code ?? err.cause?.message ?? err.message})`);
      }

      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw fail(
          response.ok ? "malformed" : "http",
          `answered HTTP ${response.status} with a body that is not JSON: ${excerpt(text)}`,
          response.status,
        );
      }
      const parsed = answerSchema.safeParse(json);
      if (!parsed.success) {
        throw fail(
          response.ok ? "malformed" : "http",
          `answered HTTP ${response.status} with JSON that is not a query result (${parsed.error.issues[0]?.message ?? "?"} at ${parsed.error.issues[0]?.path.join(".") || "the top"})`,
          response.status,
        );
      }
      const answer = parsed.data;
      if (answer.status === "error") {
        throw fail(
          "prometheus",
          `query failed (HTTP ${response.status}, ${answer.errorType}: ${answer.error})`,
          response.status,
          answer.errorType,
          answer.error,
        );
      }
      if (!response.ok) throw fail("http", `answered HTTP ${response.status}`, response.status);

      const data = answer.data;
      if (data.resultType === "vector") {
        return {
          resultType: "vector",
          samples: data.result.map((s) => ({ labels: s.metric, value: parseSampleValue(s.value[1]) })),
          warnings: answer.warnings ?? [],
        };
      }
      if (data.resultType === "scalar") {
        return {
          resultType: "scalar",
          samples: [{ labels: {}, value: parseSampleValue(data.result[1]) }],
          warnings: answer.warnings ?? [],
        };
      }
      throw fail(
        "malformed",
        `answered a ${data.resultType}, but a condition needs an instant vector or a scalar (drop the range selector or wrap it in a function such as rate())`,
      );
    },
  };
}

/** Prometheus' text form of a float: decimal, NaN, +Inf, -Inf. */
export function parseSampleValue(text: string): number {
  if (text === "+Inf" || text === "Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function excerpt(text: string): string {
  const line = text.trim().replace(/\s+/g, " ");
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line);
}
