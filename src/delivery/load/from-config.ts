// pipeline.yaml's analysis.load turned into driver options for a storefront the caller names.
import type { LoadConfig } from "../../config/load-schema.js";
import { durationMs } from "../analysis/duration.js";
import { LOAD_CEILING } from "./limits.js";
import type { LoadOptionsInput } from "./options.js";

/** Where the load goes: the storefront's origin, never a default, and optionally a signal that ends it. */
export interface LoadTarget {
  /** e.g. `http://127.0.0.1:3000` (a port-forward) or a service URL the caller knows it may reach. */
  readonly baseUrl: string;
  readonly signal?: AbortSignal;
}

/**
 * Driver options for an analysis' `load` block. `duration: analysis` runs until the caller stops it (see
 * withSyntheticLoad), and never beyond the ceiling.
 */
export function syntheticLoadOptions(load: LoadConfig, target: LoadTarget): LoadOptionsInput {
  return {
    baseUrl: target.baseUrl,
    ratePerSecond: load.rate,
    concurrency: load.concurrency,
    durationMs: load.duration === "analysis" ? LOAD_CEILING.durationMs : durationMs(load.duration),
    mix: { ...load.mix },
    ...(target.signal === undefined ? {} : { signal: target.signal }),
  };
}
