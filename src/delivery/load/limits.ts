// How much synthetic traffic the pipeline may ever send. The load exists to give analysis something to measure on a
// quiet environment, not to stress it, so pipeline.yaml and the driver refuse anything above these ceilings.

/** The safe ceiling of synthetic load: pipeline.yaml and the driver refuse anything above it. */
export const LOAD_CEILING = {
  /** Requests per second, all shoppers together. */
  ratePerSecond: 50,
  /** Shoppers (HTTP connections) at once. */
  concurrency: 16,
  /** How long one load may run: 10 minutes. */
  durationMs: 10 * 60_000,
} as const;

/** What `analysis.load: {}` means: a trickle that still buys something every few seconds. */
export const LOAD_DEFAULTS = {
  rate: 5,
  concurrency: 2,
  duration: "analysis",
  mix: { catalogReads: 3, purchases: 1 },
} as const;

/** Requests a purchase visit makes when nothing goes wrong (home, product, add, cart, checkout form, pay, order). */
export const REQUESTS_PER_PURCHASE = 7;
