// Scaling actions: `deliver watch` scales a service out when its latency SLO burns while its revision is healthy,
// and back in after a stabilization window (docs/delivery.md, Scaling actions).
export {
  decideScaling,
  describeSetting,
  type HoldCode,
  type ScaleSetting,
  type ScalingDecision,
  type ScalingObservation,
} from "./decide.js";
export { type Capacity, type ScalingPolicy, scalingPolicy } from "./policy.js";
export {
  readScalingRecords,
  SCALING_CONFIGMAP,
  type ScalingAction,
  type ScalingHistory,
  scalingAnnotation,
} from "./records.js";
export {
  type WatchEvent,
  type WatchHoldCode,
  type WatchScalingOptions,
  type WatchSummary,
  watchScaling,
} from "./watch.js";
