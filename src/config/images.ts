import type { EnvironmentName, PipelineConfig, RegistryConfig } from "./schema.js";

/**
 * The image name of a service, without tag: `<host>/<repository>/<service>`, where `host` (registry.host unless
 * given, e.g. by `publish --registry` or an environment's own registry) may carry a path prefix.
 */
export function imageName(registry: RegistryConfig, service: string, host: string = registry.host): string {
  return `${host.replace(/\/+$/, "")}/${registry.repository}/${service}`;
}

/** The registry `env` pulls its images from: its own `registry` in pipeline.yaml, else registry.host. */
export function environmentRegistry(config: Pick<PipelineConfig, "environments" | "registry">, env: EnvironmentName) {
  return config.environments[env].registry ?? config.registry.host;
}

/** The environments in the order a release moves through them, following promotion.from from the root. */
export function promotionOrder(config: Pick<PipelineConfig, "environments">): EnvironmentName[] {
  const envs = config.environments;
  const names = Object.keys(envs) as EnvironmentName[];
  const order: EnvironmentName[] = [];
  let current = names.find((name) => envs[name].promotion.from === null);
  while (current !== undefined && !order.includes(current)) {
    order.push(current);
    const previous: EnvironmentName = current;
    current = names.find((name) => envs[name].promotion.from === previous);
  }
  return order;
}
