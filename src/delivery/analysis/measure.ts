// One measurement of one metric: send its query (and, for a relative check, the previous revision's: at the same
// time, or at the times that revision is to be measured), and judge the values with Argo Rollouts' condition
// rules. Never throws: a failed query is an Error measurement that says why.

import type { MetricLimits } from "./assess.js";
import { worstPhase } from "./assess.js";
import type { Condition } from "./condition.js";
import type { PrometheusClient } from "./prometheus-client.js";
import { type QueryPlaceholder, renderQuery } from "./query.js";
import type { AnalysisPhase, BaselineMeasurement, Measurement } from "./types.js";

/** A metric ready to measure: conditions compiled, defaults filled in. */
export interface PreparedMetric {
  readonly name: string;
  /** PromQL template with placeholders. */
  readonly query: string;
  readonly successCondition?: Condition;
  readonly failureCondition?: Condition;
  readonly relative?: RelativeBounds;
  readonly limits: MetricLimits;
}

/** What a measurement needs besides the metric. */
export interface MeasureContext {
  readonly client: PrometheusClient;
  readonly clock: { now(): number };
  /** Placeholder values for the revision under analysis. */
  readonly values: Readonly<Record<QueryPlaceholder, string>>;
  /** The previous revision; without it a relative check is skipped. */
  readonly baseline?: PreviousRevision;
}

/** The previous revision of a relative check, and when to measure it. */
export interface PreviousRevision {
  /** Placeholder values for the previous revision. */
  readonly values: Readonly<Record<QueryPlaceholder, string>>;
  /**
   * Evaluation times (epoch ms), tried in order until one has data. Empty: the measurement's own time, so both
   * revisions are compared over the same window while both serve.
   */
  readonly at: readonly number[];
}

interface Verdict {
  readonly phase: AnalysisPhase;
  readonly message: string;
}

/** Measures `metric` once. */
export async function measure(metric: PreparedMetric, ctx: MeasureContext): Promise<Measurement> {
  const started = ctx.clock.now();
  const query = renderQuery(metric.query, ctx.values);
  const baseline = metric.relative ? ctx.baseline : undefined;
  const baselineQuery = baseline && renderQuery(metric.query, baseline.values);
  const [current, previous] = await Promise.allSettled([
    ctx.client.query(query, { time: started }),
    baselineQuery === undefined || baseline === undefined
      ? Promise.resolve(undefined)
      : measureBaseline(ctx.client, baselineQuery, baseline.at.length > 0 ? baseline.at : [started]),
  ]);
  const finish = (verdicts: Verdict[], value?: readonly number[], compared?: BaselineMeasurement): Measurement => ({
    phase: worstPhase(verdicts.map((v) => v.phase)),
    ...(value === undefined ? {} : { value }),
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(ctx.clock.now()).toISOString(),
    query,
    message: verdicts.map((v) => v.message).join("; "),
    ...(compared === undefined ? {} : { baseline: compared }),
  });

  const baselineOf = (value?: readonly number[], ratio?: number, at?: number): BaselineMeasurement | undefined =>
    baselineQuery === undefined || baseline === undefined
      ? undefined
      : {
          revision: baseline.values.revision,
          query: baselineQuery,
          ...(value === undefined ? {} : { value }),
          ...(ratio === undefined ? {} : { ratio }),
          ...(at === undefined || at === started ? {} : { at: new Date(at).toISOString() }),
        };

  if (current.status === "rejected") {
    return finish([{ phase: "Error", message: messageOf(current.reason) }], undefined, baselineOf());
  }
  const value = current.value.samples.map((s) => s.value);
  const verdicts = [judgeConditions(value, metric)];
  if (metric.relative && !baseline) {
    verdicts.push({ phase: "Successful", message: "relative check skipped: no previous revision" });
    return finish(verdicts, value);
  }
  if (previous.status === "rejected") {
    verdicts.push({ phase: "Error", message: `previous revision: ${messageOf(previous.reason)}` });
    return finish(verdicts, value, baselineOf());
  }
  if (metric.relative && previous.value && baseline) {
    const { value: before, at } = previous.value;
    const when = at === started ? "" : ` as of ${new Date(at).toISOString()}`;
    const relative = judgeRelative(value, before, metric.relative, `${baseline.values.revision}${when}`);
    verdicts.push(relative);
    return finish(verdicts, value, baselineOf(before, relative.ratio, at));
  }
  return finish(verdicts, value);
}

/** The previous revision's values at the first of `times` with a number; the last time's (no data) otherwise. */
async function measureBaseline(
  client: PrometheusClient,
  query: string,
  times: readonly number[],
): Promise<{ value: number[]; at: number }> {
  let last = { value: [] as number[], at: times[0] as number };
  for (const at of times) {
    const result = await client.query(query, { time: at });
    last = { value: result.samples.map((s) => s.value), at };
    if (last.value.some((v) => !Number.isNaN(v))) return last;
  }
  return last;
}

/**
 * Argo's rules: no conditions → Successful; only successCondition → Failed unless it holds; only failureCondition
 * → Successful unless it holds; both → Failed if failure holds, else Successful if success holds, else
 * Inconclusive. A query with no series, or only NaN (no requests in the window), is Inconclusive: no data.
 */
export function judgeConditions(
  value: readonly number[],
  metric: Pick<PreparedMetric, "successCondition" | "failureCondition">,
): Verdict {
  if (value.length === 0) return { phase: "Inconclusive", message: "no data: the query returned no series" };
  if (value.every(Number.isNaN)) return { phase: "Inconclusive", message: "no data: the query returned NaN" };
  const { successCondition: success, failureCondition: failure } = metric;
  const shown = `result ${formatValues(value)}`;
  let succeeded: boolean;
  let failed: boolean;
  try {
    succeeded = success ? success.evaluate(value) : false;
    failed = failure ? failure.evaluate(value) : false;
  } catch (error) {
    return { phase: "Error", message: `${shown}: ${messageOf(error)}` };
  }
  if (!success && !failure) return { phase: "Successful", message: `${shown} (no conditions)` };
  if (success && !failure) {
    return succeeded
      ? { phase: "Successful", message: `${shown} met successCondition ${success.source}` }
      : { phase: "Failed", message: `${shown} did not meet successCondition ${success.source}` };
  }
  if (failure && failed) return { phase: "Failed", message: `${shown} met failureCondition ${failure.source}` };
  if (failure && !success)
    return { phase: "Successful", message: `${shown} did not meet failureCondition ${failure.source}` };
  if (succeeded) return { phase: "Successful", message: `${shown} met successCondition ${success?.source}` };
  return {
    phase: "Inconclusive",
    message: `${shown} met neither successCondition ${success?.source} nor failureCondition ${failure?.source}`,
  };
}

/** A relative check's bounds, and the histogram buckets its values are estimated from, if any. */
export interface RelativeBounds {
  readonly maxRatio?: number;
  readonly minRatio?: number;
  readonly buckets?: readonly number[];
}

/**
 * new / previous within [minRatio, maxRatio]; both sides must be one series with a number. With buckets, a value is
 * only known to lie in its bucket, so a bound is broken only when the buckets are apart by more than it: the new
 * bucket's lower bound above maxRatio × the previous bucket's upper bound (or its upper bound below minRatio × the
 * previous bucket's lower bound).
 */
export function judgeRelative(
  value: readonly number[],
  before: readonly number[],
  bounds: RelativeBounds,
  previousRevision: string,
): Verdict & { ratio?: number } {
  const current = value[0];
  const previous = before[0];
  if (current === undefined || Number.isNaN(current))
    return { phase: "Inconclusive", message: "relative check: no data for this revision" };
  if (previous === undefined || Number.isNaN(previous))
    return { phase: "Inconclusive", message: `relative check: no data for previous revision ${previousRevision}` };
  if (value.length > 1 || before.length > 1)
    return {
      phase: "Error",
      message: `relative check needs one series per revision (got ${value.length} and ${before.length}): aggregate the query`,
    };
  // Nothing before and nothing now is no change; something where there was nothing is unboundedly worse.
  const ratio = previous === 0 ? (current === 0 ? 1 : Number.POSITIVE_INFINITY) : current / previous;
  const compared = `${format(current)} is ${format(ratio)}× previous revision ${previousRevision}'s ${format(previous)}`;
  const now = bucketOf(current, bounds.buckets);
  const then = bucketOf(previous, bounds.buckets);
  const apart = (bound: "maxRatio" | "minRatio") =>
    bound === "maxRatio"
      ? now.lower > (bounds.maxRatio as number) * then.upper
      : now.upper < (bounds.minRatio as number) * then.lower;
  const resolution = bounds.buckets
    ? `, but a histogram only places them in buckets ${describe(now)} and ${describe(then)}, within that bound of each other`
    : "";
  for (const bound of ["maxRatio", "minRatio"] as const) {
    const limit = bounds[bound];
    if (limit === undefined) continue;
    const beyond = bound === "maxRatio" ? ratio > limit : ratio < limit;
    if (beyond && apart(bound))
      return { phase: "Failed", message: `relative check: ${compared} (${bound} ${limit})`, ratio };
    if (beyond)
      return { phase: "Successful", message: `relative check: ${compared} (${bound} ${limit})${resolution}`, ratio };
  }
  const within = [
    bounds.minRatio === undefined ? "" : `minRatio ${bounds.minRatio}`,
    bounds.maxRatio === undefined ? "" : `maxRatio ${bounds.maxRatio}`,
  ]
    .filter(Boolean)
    .join(", ");
  return { phase: "Successful", message: `relative check: ${compared} (within ${within})`, ratio };
}

/** The bucket a value falls in: (lower, upper]; without buckets, the value itself. */
function bucketOf(value: number, buckets: readonly number[] | undefined): { lower: number; upper: number } {
  if (!buckets) return { lower: value, upper: value };
  const index = buckets.findIndex((bound) => value <= bound);
  if (index === -1) return { lower: buckets[buckets.length - 1] as number, upper: Number.POSITIVE_INFINITY };
  return { lower: index === 0 ? 0 : (buckets[index - 1] as number), upper: buckets[index] as number };
}

const describe = (bucket: { lower: number; upper: number }) => `${format(bucket.lower)}-${format(bucket.upper)}`;
const format = (n: number) => (Number.isFinite(n) ? String(Number(n.toPrecision(4))) : String(n));
const formatValues = (values: readonly number[]) => `[${values.map(format).join(", ")}]`;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
