// The analysis step of a release: once every service is Ready, judge each service this release changed against
// Prometheus with the environment's analysis (new revision vs the one it replaced), all services at once. A
// Failed service stops the others' runs (the release is going back anyway); Inconclusive or Error do not, because
// a Failed one still running must be seen and rolled back rather than left in place as merely unverified.
import { setTimeout as sleepFor } from "node:timers/promises";
import type { EnvironmentName, PipelineConfig } from "../config/index.js";
import { loadSchema } from "../config/load-schema.js";
import { runAnalysis } from "./analysis/run.js";
import { type Clock, type Logger, systemClock } from "./kube.js";
import { syntheticLoadOptions, withSyntheticLoad } from "./load/index.js";
import type { LoadSummary } from "./load/summary.js";
import { digestLabelValue } from "./manifests/labels.js";
import type { ReleaseAnalysis, ReleaseRecord, ServiceAnalysis } from "./release-records.js";
import {
  brokenAnalysis,
  cancelledAnalysis,
  notRunVerdict,
  releaseVerdict,
  summariseAnalysis,
} from "./release-verdict.js";

/** One service to judge: the digest it runs now and the one it ran before, for relative checks. */
export interface AnalysisTarget {
  readonly service: string;
  readonly digest: string;
  readonly previousDigest?: string;
  /** When to measure the previous digest (epoch ms, first with data wins); see {@link analysisTargets}. */
  readonly baselineAt?: readonly number[];
}

export interface AnalysisTargetsInput {
  /** Services in dependency order. */
  readonly order: readonly string[];
  /** service → `sha256:…` of the release. */
  readonly digests: Readonly<Record<string, string>>;
  /** Services whose Deployment got a new revision. */
  readonly changed: readonly string[];
  /** service → digest its Deployment ran before this deploy (undefined: new, or not pinned). */
  readonly before: Readonly<Record<string, string | undefined>>;
  /** The release this one replaces, if recorded. */
  readonly replaced: ReleaseRecord | undefined;
  /** service → when this deploy started rolling it (epoch ms). */
  readonly rolloutStartedAt: Readonly<Record<string, number>>;
}

/**
 * The services to judge: the ones this release changed; when it changed none (the same release deployed again),
 * all of them, which is how an unverified release is analysed again. Each is compared with the digest it ran
 * before this deploy, else the replaced release's, and with nothing when that is the same digest.
 *
 * A rollout replaces every pod before the analysis starts, so the previous digest has no series left to compare
 * with "now". It is measured instead as it served just before its rollout began, and, when it had no traffic then
 * (a quiet environment), as it served during its own recorded analysis (under the same synthetic load).
 */
export function analysisTargets(input: AnalysisTargetsInput): AnalysisTarget[] {
  const services = input.changed.length > 0 ? input.changed : input.order.filter((s) => s in input.digests);
  return input.order
    .filter((s) => services.includes(s))
    .flatMap((service) => {
      const digest = input.digests[service];
      if (digest === undefined) return [];
      const candidates = [input.before[service], input.replaced?.digests[service]];
      const previousDigest = candidates.find((d) => d !== undefined && d !== digest);
      if (previousDigest === undefined) return [{ service, digest }];
      const baselineAt = [input.rolloutStartedAt[service], analysedAt(input.replaced, service, previousDigest)];
      return [{ service, digest, previousDigest, baselineAt: baselineAt.filter((t) => t !== undefined) }];
    });
}

// When `record`'s analysis of `service` judged `digest` Successful (epoch ms), if it did.
function analysedAt(record: ReleaseRecord | undefined, service: string, digest: string): number | undefined {
  const judged = record?.analysis?.services[service];
  if (judged?.phase !== "Successful" || judged.revision !== digestLabelValue(digest)) return undefined;
  const at = Date.parse(record?.analysis?.at ?? "");
  return Number.isNaN(at) ? undefined : at;
}

export interface VerifyReleaseOptions {
  readonly config: PipelineConfig;
  readonly env: EnvironmentName;
  readonly targets: readonly AnalysisTarget[];
  /** Base URL of the Prometheus HTTP API; without it a release of an environment with analysis is NotRun. */
  readonly prometheusUrl: string | undefined;
  /** The storefront synthetic shoppers use while the analysis runs; none without it. */
  readonly loadUrl?: string;
  /**
   * This very release's record, when the environment ran it before (the current release deployed again, or the
   * previous one rolled back to): without a Prometheus URL its recorded verdict is kept rather than lost.
   */
  readonly recorded: ReleaseRecord | undefined;
  readonly releaseId: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * The analysis verdict on a release that is Ready: undefined when the environment has no analysis block, NotRun
 * without a Prometheus URL (a redeploy of the current release without one keeps that release's verdict), else the
 * verdict of judging every target.
 */
export async function verifyRelease(options: VerifyReleaseOptions): Promise<ReleaseAnalysis | undefined> {
  const { config, env, prometheusUrl, recorded, clock, logger } = options;
  if (config.environments[env].analysis === undefined) return undefined;
  if (prometheusUrl === undefined) {
    if (recorded?.id === options.releaseId && recorded.analysis) return recorded.analysis;
    const verdict = notRunVerdict(env, new Date(clock.now()).toISOString());
    logger.warn(`release ${options.releaseId}: ${verdict.message}; it cannot be promoted from ${env} until it is`);
    return verdict;
  }
  return analyseRelease({
    config,
    env,
    prometheusUrl,
    targets: options.targets,
    clock,
    logger,
    ...(options.loadUrl === undefined ? {} : { loadUrl: options.loadUrl }),
  });
}

export interface AnalyseReleaseOptions {
  readonly config: PipelineConfig;
  readonly env: EnvironmentName;
  readonly prometheusUrl: string;
  readonly targets: readonly AnalysisTarget[];
  /** The storefront synthetic shoppers use for as long as the analysis runs (analysis.load, or its defaults). */
  readonly loadUrl?: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Runs the environment's analysis for every target at once, under synthetic load when a storefront URL is given, and
 * returns the release's verdict.
 */
export async function analyseRelease(options: AnalyseReleaseOptions): Promise<ReleaseAnalysis> {
  const { config, env, prometheusUrl, targets, loadUrl, logger } = options;
  logger.info(
    `analysis of ${env}: ${targets.map((t) => t.service).join(", ") || "nothing"} against Prometheus at ${prometheusUrl}`,
  );
  if (loadUrl === undefined) {
    if (config.environments[env].analysis?.load)
      logger.warn(`${env}: analysis.load is set but no storefront URL was given (--load-url): no synthetic traffic`);
    return judgeTargets(options);
  }
  const load = loadSchema.parse(config.environments[env].analysis?.load ?? {});
  logger.info(
    `analysis of ${env}: synthetic shoppers at ${loadUrl}, ${load.rate} requests/s, ${load.concurrency} at once`,
  );
  const { result, load: summary } = await withSyntheticLoad(syntheticLoadOptions(load, { baseUrl: loadUrl }), () =>
    judgeTargets(options),
  );
  logger.info(`analysis of ${env}: synthetic load ${describeLoad(summary)}`);
  return result;
}

function describeLoad(summary: LoadSummary): string {
  const { requests, failures, purchases, catalogReads, latencyMs } = summary;
  return (
    `${requests.answered} of ${requests.sent} requests answered (${failures.serverErrors} 5xx, ` +
    `${failures.connectionErrors + failures.timeouts} unanswered), ${purchases.completed} purchases paid, ` +
    `${catalogReads.completed} catalog reads, p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms`
  );
}

async function judgeTargets(options: AnalyseReleaseOptions): Promise<ReleaseAnalysis> {
  const { config, env, prometheusUrl, targets, clock, logger } = options;
  const stop = new AbortController();
  const judged = await Promise.all(
    targets.map(async (target): Promise<[string, ServiceAnalysis]> => {
      const revision = digestLabelValue(target.digest);
      const previous = target.previousDigest === undefined ? undefined : digestLabelValue(target.previousDigest);
      try {
        const result = await runAnalysis({
          config,
          env,
          service: target.service,
          revision: target.digest,
          ...(target.previousDigest === undefined ? {} : { previousRevision: target.previousDigest }),
          ...(target.baselineAt === undefined ? {} : { baselineAt: target.baselineAt }),
          prometheusUrl,
          clock,
          sleep: cancellableSleep(clock, stop.signal),
          logger,
        });
        if (result.phase === "Failed") stop.abort(`${target.service}'s analysis failed`);
        return [target.service, summariseAnalysis(result)];
      } catch (error) {
        if (stop.signal.aborted && error === stop.signal.reason)
          return [target.service, cancelledAnalysis(revision, previous, String(stop.signal.reason))];
        return [target.service, brokenAnalysis(revision, previous, error)];
      }
    }),
  );
  const verdict = releaseVerdict(
    Object.fromEntries(judged),
    targets.map((t) => t.service),
    new Date(clock.now()).toISOString(),
  );
  (verdict.verified ? logger.info : logger.warn).call(logger, `${env}: ${verdict.message}`);
  return verdict;
}

// A run waits between measurements through this: it rejects with the abort reason as soon as another service's
// analysis fails. With the system clock the timer itself is cancelled, so a stopped run does not keep the process
// alive for the rest of its interval or initial delay; an injected clock (tests) is raced instead.
function cancellableSleep(clock: Clock, signal: AbortSignal): (ms: number) => Promise<void> {
  if (clock === systemClock) {
    return (ms) =>
      sleepFor(ms, undefined, { signal }).catch((error: unknown) => {
        throw signal.aborted ? signal.reason : error;
      });
  }
  return (ms) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      clock.sleep(ms).then(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, reject);
    });
}
