// The performance gate before anything reaches a cluster: the candidate images and the environment's current ones
// serve side by side (two whole shops), each under the same synthetic load, while the environment's analysis judges
// every service whose image differs against its current image at the same moments (the relative checks' live
// mode), with the absolute SLOs on top. Plain TypeScript against Prometheus and the two storefronts; the Dagger
// function `perf-gate` starts them.

import { loadSchema } from "../config/load-schema.js";
import type { EnvironmentName, PipelineConfig } from "../config/schema.js";
import { PerfGateInputError } from "./errors.js";
import { type Clock, type Logger, systemClock } from "./kube.js";
import { syntheticLoadOptions } from "./load/from-config.js";
import { withSyntheticLoad } from "./load/with-load.js";
import { isImageDigest } from "./manifests/labels.js";
import { type AnalysisTarget, analyseRelease } from "./release-analysis.js";
import type { ReleaseAnalysis } from "./release-records.js";

/** One of the two shops: where its storefront answers and the image digest each service runs. */
export interface PerfGateSide {
  readonly storefrontUrl: string;
  /** service → `sha256:…`; the digest's first 12 hex digits are the `revision` label its series carry. */
  readonly digests: Readonly<Record<string, string>>;
}

export interface PerfGateOptions {
  readonly config: PipelineConfig;
  /** Whose analysis settings (metrics, SLOs, relative bounds, load) judge the candidate. */
  readonly env: EnvironmentName;
  readonly prometheusUrl: string;
  readonly candidate: PerfGateSide;
  /** The environment's current images. */
  readonly baseline: PerfGateSide;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * The services to judge, in pipeline.yaml's order: those whose candidate digest differs from the baseline's.
 * Throws PerfGateInputError for a digest that is not `sha256:<64 hex>` or a service either side lacks.
 */
export function perfGateTargets(
  config: PipelineConfig,
  candidate: PerfGateSide,
  baseline: PerfGateSide,
): AnalysisTarget[] {
  const services = Object.keys(config.services);
  for (const [side, digests] of [
    ["candidate", candidate.digests],
    ["baseline", baseline.digests],
  ] as const) {
    for (const [service, digest] of Object.entries(digests)) {
      if (!services.includes(service))
        throw new PerfGateInputError(`${side}: ${service} is not a service of pipeline.yaml (${services.join(", ")})`);
      if (!isImageDigest(digest))
        throw new PerfGateInputError(`${side}: ${service}'s digest ${JSON.stringify(digest)} is not sha256:<64 hex>`);
    }
    const missing = services.filter((service) => !(service in digests));
    if (missing.length > 0) throw new PerfGateInputError(`${side}: no digest for ${missing.join(", ")}`);
  }
  return services
    .filter((service) => candidate.digests[service] !== baseline.digests[service])
    .map((service) => ({
      service,
      digest: candidate.digests[service] as string,
      previousDigest: baseline.digests[service] as string,
    }));
}

/**
 * Runs the gate: synthetic shoppers on both storefronts at the environment's analysis.load settings, the analysis of
 * every changed service meanwhile. Resolves with the verdict (verified only when every service is Successful);
 * a candidate identical to the baseline is NotRun.
 */
export async function runPerfGate(options: PerfGateOptions): Promise<ReleaseAnalysis> {
  const { config, env, prometheusUrl, candidate, baseline } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? { info: () => {}, warn: () => {} };
  const targets = perfGateTargets(config, candidate, baseline);
  if (targets.length === 0) {
    return {
      outcome: "NotRun",
      verified: false,
      at: new Date(clock.now()).toISOString(),
      message: "the candidate runs the same images as the baseline: nothing to compare",
      services: {},
    };
  }
  logger.info(
    `perf gate (${env}'s analysis): ${targets.map((t) => t.service).join(", ")}, candidate at ${candidate.storefrontUrl} against baseline at ${baseline.storefrontUrl}`,
  );
  const load = loadSchema.parse(config.environments[env].analysis?.load ?? {});
  const { result, load: baselineLoad } = await withSyntheticLoad(
    syntheticLoadOptions(load, { baseUrl: baseline.storefrontUrl }),
    () => analyseRelease({ config, env, prometheusUrl, targets, loadUrl: candidate.storefrontUrl, clock, logger }),
  );
  logger.info(
    `perf gate: baseline load ${baselineLoad.requests.answered} of ${baselineLoad.requests.sent} requests answered, ${baselineLoad.purchases.completed} purchases paid`,
  );
  return result;
}
