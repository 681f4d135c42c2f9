// Synthetic shoppers for analysis windows: the storefront's browse → cart → checkout flow and catalog reads,
// bounded in rate, count and time, driven by autocannon.

export { LoadOptionsError, LoadRunError } from "../errors.js";
export { type RunningLoad, runSyntheticLoad, startSyntheticLoad } from "./drive.js";
export { type LoadTarget, syntheticLoadOptions } from "./from-config.js";
export { LOAD_CEILING, LOAD_DEFAULTS } from "./limits.js";
export { type LoadOptions, type LoadOptionsInput, loadOptionsSchema } from "./options.js";
export { APPROVED_CARD } from "./purchase-visit.js";
export { SYNTHETIC_USER_AGENT } from "./shopper.js";
export type { LoadStopReason, LoadSummary } from "./summary.js";
export { type WithLoadResult, withSyntheticLoad } from "./with-load.js";
