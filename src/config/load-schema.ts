// environments.<env>.analysis.load: synthetic shoppers while an analysis runs, so a quiet environment still has
// requests to measure. Bounded by the safe ceiling in src/delivery/load/limits.ts; anything above it is refused.
import { z } from "zod";
import { durationMs, isDuration } from "../delivery/analysis/duration.js";
import { LOAD_CEILING, LOAD_DEFAULTS } from "../delivery/load/limits.js";

const CEILING_MINUTES = LOAD_CEILING.durationMs / 60_000;
const CEILING = "(the safe ceiling for synthetic load)";

/** How much synthetic traffic an analysis gets; `load: {}` takes every default. */
export const loadSchema = z.strictObject({
  /** Requests per second, all shoppers together. */
  rate: z
    .int()
    .min(1, "must be at least 1 request/s")
    .max(LOAD_CEILING.ratePerSecond, `must be at most ${LOAD_CEILING.ratePerSecond} requests/s ${CEILING}`)
    .default(LOAD_DEFAULTS.rate),
  /** "analysis" (as long as the analysis runs) or a duration such as "2m". */
  duration: z
    .string()
    .refine((text) => text === "analysis" || isDuration(text), 'must be "analysis" or a duration such as "30s" or "5m"')
    .refine((text) => !isDuration(text) || durationMs(text) >= 1_000, "must be at least 1s")
    .refine(
      (text) => !isDuration(text) || durationMs(text) <= LOAD_CEILING.durationMs,
      `must be at most ${CEILING_MINUTES}m ${CEILING}`,
    )
    .default(LOAD_DEFAULTS.duration),
  /** Shoppers at once, one connection each (never more than `rate`). */
  concurrency: z
    .int()
    .min(1, "must be at least 1")
    .max(LOAD_CEILING.concurrency, `must be at most ${LOAD_CEILING.concurrency} shoppers at once ${CEILING}`)
    .default(LOAD_DEFAULTS.concurrency),
  /** Visits of each kind as weights: 3 and 1 make every fourth visit a purchase (7 requests) and the rest one page. */
  mix: z
    .strictObject({
      catalogReads: z.int().min(0, "must be at least 0").default(LOAD_DEFAULTS.mix.catalogReads),
      purchases: z.int().min(0, "must be at least 0").default(LOAD_DEFAULTS.mix.purchases),
    })
    .refine((mix) => mix.catalogReads + mix.purchases > 0, "catalogReads and purchases cannot both be 0")
    .default({ ...LOAD_DEFAULTS.mix }),
});

/** An analysis' load block after validation, defaults filled in. */
export type LoadConfig = z.output<typeof loadSchema>;

/** The parts of an analysis block that say how long it runs. */
interface AnalysisTiming {
  readonly interval: string;
  readonly count: number;
  readonly initialDelay: string;
  readonly load?: LoadConfig | undefined;
}

/** How long an analysis runs when no measurement errors: initialDelay + count × interval. */
export function nominalAnalysisMs(analysis: AnalysisTiming): number {
  return durationMs(analysis.initialDelay) + analysis.count * durationMs(analysis.interval);
}

/** Refuses `load.duration: analysis` for an analysis longer than the ceiling: its last measurements would see no load. */
export function refineLoadDuration(analysis: AnalysisTiming, ctx: z.RefinementCtx): void {
  if (analysis.load?.duration !== "analysis") return;
  if (!isDuration(analysis.initialDelay) || !isDuration(analysis.interval)) return;
  const lasts = nominalAnalysisMs(analysis);
  if (lasts <= LOAD_CEILING.durationMs) return;
  ctx.addIssue({
    code: "custom",
    path: ["load", "duration"],
    message: `is "analysis", which runs ${Math.ceil(lasts / 1000)}s here (initialDelay + count × interval), longer than the ${CEILING_MINUTES}m ceiling for synthetic load: give a duration of at most ${CEILING_MINUTES}m or shorten the analysis`,
    params: { code: "invalid_value" },
  });
}
