// From pipeline.yaml to what a run measures: the environment's analysis block with defaults filled in (the
// block itself, or all of it, may be absent), metrics from the slo when none are listed, conditions compiled,
// and the revisions turned into the label values their series carry.

import { declaredName } from "../../config/names.js";
import {
  type AnalysisConfig,
  type AnalysisMetricConfig,
  analysisSchema,
  type EnvironmentConfig,
  type EnvironmentName,
  type PipelineConfig,
} from "../../config/schema.js";
import { AnalysisInputError, ConditionSyntaxError } from "../errors.js";
import { digestLabelValue, isDigestLabelValue, isImageDigest } from "../manifests/labels.js";
import { compileCondition } from "./condition.js";
import { defaultMetrics } from "./default-metrics.js";
import { durationMs } from "./duration.js";
import type { PreparedMetric } from "./measure.js";
import type { QueryPlaceholder } from "./query.js";

/** Everything a run needs to know, resolved once. */
export interface AnalysisPlan {
  readonly environment: EnvironmentName;
  readonly namespace: string;
  readonly service: string;
  /** Label value (12 hex digits) of the revision under analysis. */
  readonly revision: string;
  readonly previousRevision?: string;
  /** When the previous revision's window is measured (epoch ms, tried in order); empty: alongside each measurement. */
  readonly baselineAt: readonly number[];
  readonly initialDelayMs: number;
  readonly intervalMs: number;
  readonly window: string;
  readonly metrics: readonly PreparedMetric[];
}

/** What {@link planAnalysis} takes. */
export interface PlanInput {
  readonly config: PipelineConfig;
  readonly env: EnvironmentName;
  readonly service: string;
  /** The image digest (`sha256:<64 hex>`) of the revision, or its label value (the first 12 hex digits). */
  readonly revision: string;
  /** The same for the revision it replaces; needed by relative checks. */
  readonly previousRevision?: string;
  /**
   * When to measure the previous revision for relative checks (epoch ms, first with data wins), e.g. just before
   * its rollout replaced it. Default: at each measurement's own time, which only works while both revisions serve.
   */
  readonly baselineAt?: readonly number[];
}

/** An analysis block with every field a run measures by filled in. */
export type AnalysisSettings = Required<Omit<AnalysisConfig, "load">> & Pick<AnalysisConfig, "load">;

/**
 * The environment's analysis settings, defaults filled in, metrics from its slo when it lists none. `load` stays
 * optional: an analysis without synthetic load is complete, and the load driver reads that block itself.
 */
export function analysisSettings(environment: EnvironmentConfig): AnalysisSettings {
  const settings = environment.analysis ?? analysisSchema.parse({});
  return { ...settings, metrics: settings.metrics ?? defaultMetrics(environment.slo) };
}

/** The {@link POD_DIGEST_LABEL} value a revision's series carry: from an image digest or the label value itself. */
export function revisionLabel(revision: string, what = "revision"): string {
  if (isImageDigest(revision)) return digestLabelValue(revision);
  if (isDigestLabelValue(revision)) return revision;
  throw new AnalysisInputError(
    `${what} ${JSON.stringify(revision)} is neither an image digest (sha256:<64 hex>) nor its first 12 hex digits`,
  );
}

/** Resolves what to measure; throws AnalysisInputError for an unknown environment or service or a bad revision. */
export function planAnalysis(input: PlanInput): AnalysisPlan {
  const inputError = (message: string) => new AnalysisInputError(message);
  declaredName("environment", input.env, Object.keys(input.config.environments), inputError);
  declaredName("service", input.service, Object.keys(input.config.services), inputError);
  const environment = input.config.environments[input.env];
  const settings = analysisSettings(environment);
  const previousRevision =
    input.previousRevision === undefined ? undefined : revisionLabel(input.previousRevision, "previous revision");
  return {
    environment: input.env,
    namespace: environment.namespace,
    service: input.service,
    revision: revisionLabel(input.revision),
    ...(previousRevision === undefined ? {} : { previousRevision }),
    baselineAt: input.baselineAt ?? [],
    initialDelayMs: durationMs(settings.initialDelay),
    intervalMs: durationMs(settings.interval),
    window: settings.window,
    metrics: settings.metrics.map((metric) => prepareMetric(metric, settings.count)),
  };
}

/** Placeholder values for one revision of the plan's service. */
export function placeholders(plan: AnalysisPlan, revision: string): Record<QueryPlaceholder, string> {
  return { namespace: plan.namespace, service: plan.service, revision, window: plan.window };
}

/** A metric with its conditions compiled; a condition that does not parse names the metric and field. */
export function prepareMetric(metric: AnalysisMetricConfig, count: number): PreparedMetric {
  const compile = (field: "successCondition" | "failureCondition", source: string | undefined) => {
    if (source === undefined) return {};
    try {
      return { [field]: compileCondition(source) };
    } catch (error) {
      if (error instanceof ConditionSyntaxError)
        throw new AnalysisInputError(`metric ${metric.name}: ${field}: ${error.reason}`);
      throw error;
    }
  };
  return {
    name: metric.name,
    query: metric.query,
    ...compile("successCondition", metric.successCondition),
    ...compile("failureCondition", metric.failureCondition),
    ...(metric.relative ? { relative: metric.relative } : {}),
    limits: {
      count,
      failureLimit: metric.failureLimit,
      inconclusiveLimit: metric.inconclusiveLimit,
      consecutiveErrorLimit: metric.consecutiveErrorLimit,
    },
  };
}
