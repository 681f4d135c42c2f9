// Promotion: deploy to one environment exactly the image digests running in the one before it; never rebuild.

import type { EnvironmentName, PipelineConfig } from "../config/index.js";
import { PromotionError } from "./errors.js";
import { isNotFound, type KubeOptions, toDeliveryError } from "./kube.js";
import { AppsV1Api, type V1Deployment } from "./kube-client.js";
import { assertEnvironment, isPinnedReference, parseRelease, type ReleaseInput } from "./manifests/index.js";

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
  const rule = config.environments[to as EnvironmentName].promotion.from;
  if (rule !== from) {
    throw new PromotionError(
      "not_promoted_from",
      `${to} is not promoted from ${from}: pipeline.yaml promotes ${to} from ${rule ?? "nowhere (it is the first environment)"} (environments.${to}.promotion.from)`,
    );
  }
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
