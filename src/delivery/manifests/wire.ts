import type { ManifestObject } from "./render.js";

// Fields the client's generated models rename because their wire name is a TypeScript/JavaScript keyword.
const RENAMED: Record<string, string> = { _from: "from" };

/**
 * The JSON the API server sees for a rendered object. The objects are @kubernetes/client-node models, which spell
 * NetworkPolicy `from` as `_from`: KubernetesObjectApi (and dumpYaml) translate it, a hand-made request must use this.
 */
export function toApiObject(object: ManifestObject): Record<string, unknown> {
  return rename(JSON.parse(JSON.stringify(object))) as Record<string, unknown>;
}

function rename(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rename);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [RENAMED[key] ?? key, rename(v)]));
}
