// Reading Prometheus' HTTP API from the tests: instant queries, whose range selectors return the raw samples.
import { z } from "zod";

const sampleSchema = z.tuple([z.number(), z.string()]);
const answerSchema = z.object({
  status: z.literal("success"),
  data: z.object({
    resultType: z.enum(["matrix", "vector"]),
    result: z.array(
      z.object({
        metric: z.record(z.string(), z.string()),
        values: z.array(sampleSchema).optional(),
        value: sampleSchema.optional(),
      }),
    ),
  }),
});

/** One series with its samples: [unix seconds, value] as Prometheus stores them. */
export interface RawSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: readonly (readonly [number, number])[];
}

/** Runs `query` (a range selector such as `up{pod="x"}[5m]`) and returns every series with its raw samples. */
export async function rawSamples(prometheusUrl: string, query: string): Promise<RawSeries[]> {
  const url = new URL("/api/v1/query", prometheusUrl);
  url.searchParams.set("query", query);
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body: unknown = await response.json();
  const parsed = answerSchema.safeParse(body);
  if (!parsed.success) throw new Error(`Prometheus answered ${response.status} to ${query}: ${JSON.stringify(body)}`);
  return parsed.data.data.result.map((series) => ({
    labels: series.metric,
    samples: (series.values ?? (series.value ? [series.value] : [])).map(([at, value]) => [at, Number(value)] as const),
  }));
}
