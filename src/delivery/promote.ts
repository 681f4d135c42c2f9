// Promotion: deploy to one environment exactly the image digests running in the one before it; never rebuild.
// Gated by pipeline.yaml: the promotion rule, the target's approval, and the source's analysis verdict.

import type { PipelineConfig } from "../config/index.js";
import { PromotionError } from "./errors.js";
import { clockAndLogger, isNotFound, type KubeOptions, toDeliveryError } from "./kube.js";
import { AppsV1Api, type V1Deployment } from "./kube-client.js";
import { assertEnvironment, isPinnedReference, parseRelease, type ReleaseInput } from "./manifests/index.js";
import { analysisRefusal, assertPromotedFrom, promotionApproval } from "./promotion-gate.js";
import { type DeployReleaseOptions, type DeployReleaseResult, deployRelease } from "./release-deploy.js";
import { readReleaseRecords } from "./release-records.js";

export interface RunningDigestsOptions extends KubeOptions {
  config: PipelineConfig;
  env: string;
}

export interface RunningImage {
  service: string;
  namespace: string;
  image: string;
  /** True when the reference ends in @sha256:<64 hex>. */
  pinned: boolean;
}

/** The image reference each service's Deployment runs in an environment's namespace (the service's own container). */
export async function readRunningDigests(options: RunningDigestsOptions): Promise<Record<string, RunningImage>> {
  const { config, env, kubeConfig } = options;
  assertEnvironment(config, env);
  const namespace = config.environments[env].namespace;
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const running: Record<string, RunningImage> = {};
  for (const service of Object.keys(config.services)) {
    let deployment: V1Deployment;
    try {
      deployment = await apps.readNamespacedDeployment({ namespace, name: service });
    } catch (err) {
      if (isNotFound(err)) {
        throw new PromotionError(
          "not_deployed",
          `service ${service} is not deployed in ${env} (no Deployment ${namespace}/${service}): deploy ${env} first`,
        );
      }
      throw toDeliveryError(err, kubeConfig, "read", `Deployment ${namespace}/${service}`);
    }
    const containers = deployment.spec?.template.spec?.containers ?? [];
    const container = containers.find((c) => c.name === service) ?? containers[0];
    if (!container?.image) {
      throw new PromotionError("no_container", `Deployment ${namespace}/${service} in ${env} has no container image`);
    }
    running[service] = { service, namespace, image: container.image, pinned: isPinnedReference(container.image) };
  }
  return running;
}

export interface PromotionReleaseOptions extends KubeOptions {
  config: PipelineConfig;
  from: string;
  to: string;
}

/**
 * The release to deploy to `to`: exactly the digest-pinned images running in `from`. Refuses when pipeline.yaml
 * does not promote `to` from `from`, or when a service in `from` runs an image that is not pinned by digest.
 */
export async function promotionRelease(options: PromotionReleaseOptions): Promise<ReleaseInput> {
  const { config, from, to } = options;
  assertEnvironment(config, from);
  assertEnvironment(config, to);
  assertPromotedFrom(config, from, to);
  const running = await readRunningDigests({ ...options, env: from });
  const images: Record<string, string> = {};
  for (const [service, r] of Object.entries(running)) {
    if (!r.pinned) {
      throw new PromotionError(
        "not_pinned",
        `cannot promote ${from} to ${to}: service ${service} in ${from} runs "${r.image}", which is not pinned by digest (@sha256:...); deploy ${from} from a release of digests first`,
      );
    }
    images[service] = r.image;
  }
  // the same validation a deploy to `to` applies (each service's repository in the registry `to` pulls from, digests)
  parseRelease(config, { images }, to);
  return { images };
}

export interface PromoteOptions extends Omit<DeployReleaseOptions, "env" | "release" | "approval" | "promotedFrom"> {
  from: string;
  to: string;
  /** Who approved the promotion; required when `to` has promotion.requiresApproval, recorded either way. */
  approvedBy?: string;
}

export interface PromoteResult extends DeployReleaseResult {
  from: string;
  /** The release of `from` that was promoted. */
  fromRelease: string | undefined;
}

/**
 * Promote `from` to `to`: refuse without the approval `to` requires, or when `from` has analysis configured and its
 * current release lacks a Successful analysis of what it runs within `to`'s promotion.analysisMaxAge; then deploy
 * exactly those digests to `to` (with `to`'s own analysis), recording who approved and where it came from.
 */
export async function promote(options: PromoteOptions): Promise<PromoteResult> {
  const { config, from, to, approvedBy, ...deploy } = options;
  const { clock, logger } = clockAndLogger(options);
  assertEnvironment(config, from);
  assertEnvironment(config, to);
  assertPromotedFrom(config, from, to);
  const approval = promotionApproval(config, from, to, approvedBy, clock.now());
  const release = await promotionRelease(options);
  const { current } = await readReleaseRecords(config.environments[from].namespace, options);
  const running = Object.fromEntries(
    Object.entries(release.images).map(([service, image]) => [service, image.slice(image.lastIndexOf("@") + 1)]),
  );
  const refusal = analysisRefusal({ config, from, to, current, running, now: clock.now() });
  if (refusal) throw refusal;
  if (approval) logger.info(`promotion of ${from} to ${to} approved by ${approval.by} at ${approval.at}`);
  const result = await deployRelease({
    ...deploy,
    config,
    env: to,
    release: { ...release, revision: `promoted from ${from}` },
    ...(approval ? { approval } : {}),
    ...(current ? { promotedFrom: { env: from, release: current.id } } : {}),
  });
  return { ...result, from, fromRelease: current?.id };
}
