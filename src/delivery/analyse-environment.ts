// Judging what an environment runs now, without deploying anything: the environment's analysis of every service of
// its current release (each against the previous release's digest), under the deploy lock so no rollout changes
// the pods while they are measured, with the verdict written into the current release's record. This is how a
// release left unverified (no traffic, Prometheus down) becomes promotable, and how a team checks a release later.
// It never rolls back: a Failed verdict is recorded and reported, and rolling back stays a decision.
import type { PipelineConfig } from "../config/index.js";
import { acquireDeployLock } from "./deploy-lock.js";
import { DeliveryError, ReleaseUnverifiedError } from "./errors.js";
import { clockAndLogger, type KubeOptions } from "./kube.js";
import { assertEnvironment, dependencyOrder } from "./manifests/index.js";
import { analyseRelease, analysisTargets } from "./release-analysis.js";
import type { DeployReleaseResult } from "./release-deploy.js";
import { readReleaseRecords, writeReleaseRecords } from "./release-records.js";
import { unverifiedAdvice } from "./release-verdict.js";

export interface AnalyseEnvironmentOptions extends KubeOptions {
  readonly config: PipelineConfig;
  readonly env: string;
  /** Base URL of the Prometheus HTTP API the analysis queries. */
  readonly prometheusUrl: string;
  /** The storefront synthetic shoppers use while the analysis runs; none without it. */
  readonly loadUrl?: string;
  /** Identity written into the deploy Lease. */
  readonly holderIdentity?: string;
  /** How long to wait for a deploy in progress (default 60 s). */
  readonly lockTimeoutMs?: number;
}

/**
 * Analyses the current release of `env` and records the verdict on it. Resolves when it is Successful; throws
 * ReleaseUnverifiedError (verdict recorded) otherwise, and DeliveryError when the environment has no release.
 */
export async function analyseEnvironment(options: AnalyseEnvironmentOptions): Promise<DeployReleaseResult> {
  const { config, env, kubeConfig, prometheusUrl, loadUrl } = options;
  const { clock, logger } = clockAndLogger(options);
  assertEnvironment(config, env);
  const namespace = config.environments[env].namespace;
  const kube = { kubeConfig, clock, logger };
  const lock = await acquireDeployLock({
    ...kube,
    namespace,
    ...(options.holderIdentity === undefined ? {} : { holderIdentity: options.holderIdentity }),
    ...(options.lockTimeoutMs === undefined ? {} : { waitTimeoutMs: options.lockTimeoutMs }),
  });
  try {
    const { current, previous } = await readReleaseRecords(namespace, kube);
    if (!current) {
      throw new DeliveryError(
        `${env} (${namespace}) has no current release to analyse: deploy one first with deliver deploy --env ${env}`,
      );
    }
    const targets = analysisTargets({
      order: dependencyOrder(config),
      digests: current.digests,
      changed: [],
      before: {},
      replaced: previous,
      rolloutStartedAt: {},
    });
    const analysis = await analyseRelease({
      config,
      env,
      prometheusUrl,
      targets,
      clock,
      logger,
      ...(loadUrl === undefined ? {} : { loadUrl }),
    });
    lock.assertHeld();
    const judged = { ...current, analysis };
    await writeReleaseRecords(namespace, kube, (records) =>
      records.current?.id === current.id ? { ...records, current: judged } : records,
    );
    if (analysis.outcome !== "Successful") {
      const advice =
        analysis.outcome === "Failed"
          ? `it keeps running, recorded as Failed, and cannot be promoted from ${env}: roll it back with deliver rollback --env ${env}, or fix what the measurements show and analyse it again`
          : unverifiedAdvice(env, analysis, prometheusUrl);
      throw new ReleaseUnverifiedError(env, namespace, current.id, analysis, advice, judged, []);
    }
    return { env, namespace, release: judged, changed: [] };
  } finally {
    await lock.release().catch((err: unknown) => logger.warn(`could not release the deploy lock: ${String(err)}`));
  }
}
