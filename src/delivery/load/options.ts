// The driver's options, validated at its boundary with the same ceilings as pipeline.yaml, so a caller that
// builds options by hand cannot get more traffic than the configuration could ask for.
import { z } from "zod";
import { LoadOptionsError } from "../errors.js";
import { LOAD_CEILING } from "./limits.js";

const LOOKS_LIKE_ORIGIN = /^https?:\/\/[^/?#]+\/?$/;

const mixSchema = z
  .strictObject({
    catalogReads: z.int("must be a whole number").min(0, "must be at least 0"),
    purchases: z.int("must be a whole number").min(0, "must be at least 0"),
  })
  .refine((mix) => mix.catalogReads + mix.purchases > 0, "catalogReads and purchases cannot both be 0");

/** What {@link startSyntheticLoad} takes; every field is bounded by {@link LOAD_CEILING}. */
export const loadOptionsSchema = z.strictObject({
  /** Origin of the storefront, e.g. `http://127.0.0.1:3000`. No default: traffic goes only where the caller says. */
  baseUrl: z
    .string("must be a URL")
    .regex(LOOKS_LIKE_ORIGIN, "must be an http(s) origin such as http://127.0.0.1:3000 (no path, query or fragment)"),
  ratePerSecond: z
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(LOAD_CEILING.ratePerSecond, `must be at most ${LOAD_CEILING.ratePerSecond} (the safe ceiling)`),
  concurrency: z
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(LOAD_CEILING.concurrency, `must be at most ${LOAD_CEILING.concurrency} (the safe ceiling)`),
  /** The load stops by itself after this long, whatever else happens. */
  durationMs: z
    .int("must be a whole number")
    .min(1_000, "must be at least 1000 (one second)")
    .max(LOAD_CEILING.durationMs, `must be at most ${LOAD_CEILING.durationMs} (10 minutes, the safe ceiling)`),
  /** Visits of each kind, as weights: { catalogReads: 3, purchases: 1 } makes every fourth visit a purchase. */
  mix: mixSchema,
  /** A request unanswered this long counts as a timeout (whole seconds, as the load tool takes them). Default 10 s. */
  requestTimeoutMs: z
    .int("must be a whole number")
    .min(1_000, "must be at least 1000")
    .max(60_000, "must be at most 60000")
    .multipleOf(1_000, "must be whole seconds")
    .default(10_000),
  /** The load gives up after this many connection errors and timeouts (nothing is answering). Default 50. */
  maxConnectionErrors: z.int("must be a whole number").min(1, "must be at least 1").max(1_000).default(50),
  signal: z.instanceof(AbortSignal, { message: "must be an AbortSignal" }).optional(),
});

/** Options as a caller writes them (defaults not yet filled in). */
export type LoadOptionsInput = z.input<typeof loadOptionsSchema>;
/** Options after validation. */
export type LoadOptions = z.output<typeof loadOptionsSchema>;

/** Validates driver options; throws LoadOptionsError naming the first field at fault. */
export function parseLoadOptions(input: LoadOptionsInput): LoadOptions {
  const result = loadOptionsSchema.safeParse(input);
  if (result.success) return { ...result.data, baseUrl: result.data.baseUrl.replace(/\/$/, "") };
  const [issue] = result.error.issues;
  const field = issue?.path.length ? issue.path.join(".") : "options";
  throw new LoadOptionsError(field, issue?.message ?? "are not valid");
}
