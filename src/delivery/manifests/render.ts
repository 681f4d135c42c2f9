import type {
  V1ConfigMap,
  V1Deployment,
  V1NetworkPolicy,
  V1PodDisruptionBudget,
  V1Service,
  V2HorizontalPodAutoscaler,
} from "@kubernetes/client-node";
import type { EnvironmentName, PipelineConfig } from "../../config/index.js";
import { ReleaseError } from "../errors.js";
import { renderConfigMap } from "./configmap.js";
import type { ServiceContext } from "./context.js";
import { renderDeployment } from "./deployment.js";
import { renderHorizontalPodAutoscaler } from "./hpa.js";
import { renderNetworkPolicy } from "./network-policy.js";
import { dependencyOrder } from "./order.js";
import { renderPodDisruptionBudget } from "./pdb.js";
import { assertEnvironment, parseRelease, type Release, type ReleaseInput } from "./release.js";
import { renderService } from "./service.js";

/** Any object renderRelease produces; each has apiVersion, kind, metadata.name and metadata.namespace set. */
export type ManifestObject =
  | V1ConfigMap
  | V1Service
  | V1Deployment
  | V1PodDisruptionBudget
  | V2HorizontalPodAutoscaler
  | V1NetworkPolicy;

/** The objects of one service, by kind; `undefined` where the environment needs no object of that kind. */
export interface ServiceManifests {
  readonly configMap: V1ConfigMap;
  readonly service: V1Service;
  readonly deployment: V1Deployment;
  readonly podDisruptionBudget: V1PodDisruptionBudget | undefined;
  readonly horizontalPodAutoscaler: V2HorizontalPodAutoscaler | undefined;
  readonly networkPolicy: V1NetworkPolicy;
}

/** The objects of one service in `env` at the image the release pins for it. Throws ReleaseError on bad input. */
export function renderServiceManifests(
  config: PipelineConfig,
  env: string,
  release: ReleaseInput | Release,
  name: string,
): ServiceManifests {
  assertEnvironment(config, env);
  const valid = validate(config, release, env);
  const service = config.services[name];
  const image = valid.images[name];
  if (service === undefined || image === undefined) {
    throw new ReleaseError(
      "unknown_service",
      `not declared in pipeline.yaml (services: ${Object.keys(config.services).join(", ")})`,
      name,
    );
  }
  const envConfig = config.environments[env];
  const ctx: ServiceContext = {
    config,
    envName: env,
    env: envConfig,
    namespace: envConfig.namespace,
    name,
    service,
    release: valid,
    image,
  };
  return {
    configMap: renderConfigMap(ctx),
    service: renderService(ctx),
    deployment: renderDeployment(ctx),
    podDisruptionBudget: renderPodDisruptionBudget(ctx),
    horizontalPodAutoscaler: renderHorizontalPodAutoscaler(ctx),
    networkPolicy: renderNetworkPolicy(ctx),
  };
}

/**
 * Every object of a release in `env`, in apply order: ConfigMaps, Services, Deployments, PodDisruptionBudgets,
 * HorizontalPodAutoscalers, NetworkPolicies; within a kind, services in dependencyOrder. Pure; throws ReleaseError.
 */
export function renderRelease(config: PipelineConfig, env: string, release: ReleaseInput | Release): ManifestObject[] {
  assertEnvironment(config, env);
  const valid = validate(config, release, env);
  const all = dependencyOrder(config).map((name) => renderServiceManifests(config, env, valid, name));
  const kinds: Array<(m: ServiceManifests) => ManifestObject | undefined> = [
    (m) => m.configMap,
    (m) => m.service,
    (m) => m.deployment,
    (m) => m.podDisruptionBudget,
    (m) => m.horizontalPodAutoscaler,
    (m) => m.networkPolicy,
  ];
  return kinds.flatMap((pick) => all.map(pick).filter((o): o is ManifestObject => o !== undefined));
}

// A Release is checked again too: it may have been parsed against another config (e.g. promoted from elsewhere).
function validate(config: PipelineConfig, release: ReleaseInput | Release, env: EnvironmentName): Release {
  if (!("id" in release)) return parseRelease(config, release, env);
  const images = Object.fromEntries(Object.entries(release.images).map(([name, image]) => [name, image.reference]));
  return parseRelease(
    config,
    {
      images,
      ...(release.revision !== undefined ? { revision: release.revision } : {}),
      ...(release.gitSha !== undefined ? { gitSha: release.gitSha } : {}),
    },
    env,
  );
}
