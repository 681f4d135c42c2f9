import type { EnvironmentName, PipelineConfig, RegistryConfig } from "./schema.js";

/** The image name of a service, without tag: `<host>/<repository>/<service>`. */
export function imageName(registry: RegistryConfig, service: string): string {
  return `${registry.host}/${registry.repository}/${service}`;
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
