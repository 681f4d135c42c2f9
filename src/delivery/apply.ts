// Server-side apply of rendered objects with our own field manager.

import { clockAndLogger, isNotFound, type KubeOptions, statusOf, withOutageRetry } from "./kube.js";
import { CoreV1Api, type KubernetesObject, KubernetesObjectApi, PatchStrategy } from "./kube-client.js";

/** The field manager every apply of ours uses; rollbacks use the same name so ownership stays with us. */
export const FIELD_MANAGER = "ecommerce-delivery";

/** "Deployment shop/api", for messages. */
export function describeObject(obj: KubernetesObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind ?? "?"} ${ns ? `${ns}/` : ""}${obj.metadata?.name ?? "?"}`;
}

/** Server-side apply each object (namespaces first, created if missing); returns what the server stored. */
export async function applyObjects(
  objects: readonly KubernetesObject[],
  options: KubeOptions,
): Promise<KubernetesObject[]> {
  const { logger } = clockAndLogger(options);
  const client = KubernetesObjectApi.makeApiClient(options.kubeConfig);
  const ordered = [...objects].sort((a, b) => rank(a) - rank(b));
  const declared = new Set(ordered.filter((o) => o.kind === "Namespace").map((o) => o.metadata?.name));
  const ensured = new Set<string>();
  const applied: KubernetesObject[] = [];
  for (const obj of ordered) {
    const ns = obj.metadata?.namespace;
    if (ns && !declared.has(ns) && !ensured.has(ns)) {
      await ensureNamespace(ns, options);
      ensured.add(ns);
    }
    // force: we own these fields; another manager's conflicting values are taken over, as kubectl apply --force-conflicts.
    // An apply is idempotent, so an API server outage is retried.
    const result = await withOutageRetry(options, { action: "server-side apply of", target: describeObject(obj) }, () =>
      client.patch(stripServerFields(obj), undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply),
    );
    logger.info(`applied ${describeObject(obj)}`);
    applied.push(result);
  }
  return applied;
}

/** Create a namespace if it does not exist; only a 404 counts as "missing". API outages are retried. */
export async function ensureNamespace(name: string, options: KubeOptions): Promise<void> {
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const target = `Namespace ${name}`;
  try {
    await withOutageRetry(options, { action: "read", target }, () => core.readNamespace({ name }));
    return;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    await withOutageRetry(options, { action: "create", target }, () =>
      core.createNamespace({ body: { metadata: { name } } }),
    );
    clockAndLogger(options).logger.info(`created Namespace ${name}`);
  } catch (err) {
    if (statusOf(err) === 409) return; // created by someone else in between (or by our own retried request)
    throw err;
  }
}

function rank(obj: KubernetesObject): number {
  if (obj.kind === "Namespace") return 0;
  if (obj.kind === "CustomResourceDefinition") return 1;
  return 2;
}

// An apply body must not carry server-owned metadata (resourceVersion would turn it into a precondition).
function stripServerFields(obj: KubernetesObject): KubernetesObject {
  if (!obj.metadata) return obj;
  const {
    resourceVersion: _rv,
    uid: _uid,
    managedFields: _mf,
    creationTimestamp: _ct,
    generation: _g,
    ...metadata
  } = obj.metadata;
  const { status: _status, ...rest } = obj as KubernetesObject & { status?: unknown };
  return { ...rest, metadata };
}
