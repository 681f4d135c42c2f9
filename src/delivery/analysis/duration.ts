// Durations as pipeline.yaml and Prometheus write them ("10s", "1m30s", "500ms"), so the analysis block reads
// like PromQL's range selectors and the same string can go into a query unchanged.

const DURATION = /^(\d+(ms|s|m|h))+$/;
const PART = /(\d+)(ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Whether `text` is a duration such as `10s`, `1m30s` or `500ms` (units ms, s, m, h; no fractions). */
export function isDuration(text: string): boolean {
  return DURATION.test(text);
}

/** Milliseconds in a duration such as `1m30s`; throws on anything {@link isDuration} refuses. */
export function durationMs(text: string): number {
  if (!isDuration(text)) throw new Error(`not a duration: ${JSON.stringify(text)} (e.g. "10s", "1m30s", "500ms")`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit as string] as number);
  return total;
}
