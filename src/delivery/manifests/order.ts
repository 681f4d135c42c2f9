import type { PipelineConfig } from "../../config/index.js";

/**
 * Services in the order a release rolls them: every service after all the services it calls (callees first),
 * services at the same depth alphabetically. The config schema already rejects call cycles.
 */
export function dependencyOrder(config: Pick<PipelineConfig, "services">): string[] {
  const depth = new Map<string, number>();
  const visit = (name: string, trail: readonly string[]): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (trail.includes(name)) throw new Error(`call cycle: ${[...trail, name].join(" → ")}`);
    const calls = config.services[name]?.calls ?? [];
    const d = calls.reduce((max, callee) => Math.max(max, visit(callee, [...trail, name]) + 1), 0);
    depth.set(name, d);
    return d;
  };
  const names = Object.keys(config.services);
  for (const name of names) visit(name, []);
  return names.sort((a, b) => (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || a.localeCompare(b));
}

/** Services that call `name`, alphabetically. */
export function callersOf(config: Pick<PipelineConfig, "services">, name: string): string[] {
  return Object.entries(config.services)
    .filter(([, service]) => service.calls.includes(name))
    .map(([caller]) => caller)
    .sort();
}

/**
 * Services that take traffic from outside the shop. pipeline.yaml has no field for it, so an entry point is a
 * service no other service calls: with nothing calling it, it exists only to be reached from outside (storefront).
 */
export function isPublic(config: Pick<PipelineConfig, "services">, name: string): boolean {
  return callersOf(config, name).length === 0;
}
