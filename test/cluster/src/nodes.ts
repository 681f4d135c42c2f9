import type { ApiClient } from "./api.js";
import { expectJson } from "./api.js";
import { kwokNodeAnnotation } from "./components.js";
import type { ClusterConfig } from "./config.js";

/** The label every fake node carries, for selectors in tests. */
export const fakeNodeLabel = { key: "type", value: "kwok" } as const;

/** Name of the n-th fake node (0-based). */
export function fakeNodeName(index: number): string {
  return `kwok-node-${index}`;
}

/** The fake nodes of a cluster: handed to kwok by annotation, with the configured allocatable resources. */
export function fakeNodeManifests(config: ClusterConfig): object[] {
  return Array.from({ length: config.nodeCount }, (_, index) => {
    const name = fakeNodeName(index);
    return {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name,
        annotations: { [kwokNodeAnnotation.key]: kwokNodeAnnotation.value, "node.alpha.kubernetes.io/ttl": "0" },
        labels: {
          [fakeNodeLabel.key]: fakeNodeLabel.value,
          "kubernetes.io/arch": "amd64",
          "kubernetes.io/hostname": name,
          "kubernetes.io/os": "linux",
          "kubernetes.io/role": "agent",
          "node-role.kubernetes.io/agent": "",
        },
      },
      spec: {},
      status: {
        allocatable: { ...config.nodeResources },
        capacity: { ...config.nodeResources },
      },
    };
  });
}

/** Creates the fake nodes; a node that already exists is left as it is. */
export async function createFakeNodes(api: ApiClient, config: ClusterConfig): Promise<void> {
  await Promise.all(
    fakeNodeManifests(config).map(async (node) => {
      const response = await api.post("/api/v1/nodes", node);
      if (response.status !== 409) expectJson("create fake node", response);
    }),
  );
}

interface NodeList {
  items: {
    metadata: { name: string };
    spec: { taints?: { key: string; effect: string }[]; podCIDR?: string };
    status: { conditions?: { type: string; status: string }[] };
  }[];
}

/** Why the fake nodes cannot take pods yet, or `undefined` once all are Ready, untainted and have a pod range. */
export async function fakeNodesNotReady(api: ApiClient, config: ClusterConfig): Promise<string | undefined> {
  const selector = encodeURIComponent(`${fakeNodeLabel.key}=${fakeNodeLabel.value}`);
  const list = expectJson<NodeList>("list fake nodes", await api.get(`/api/v1/nodes?labelSelector=${selector}`));
  if (list.items.length < config.nodeCount) return `${list.items.length} of ${config.nodeCount} nodes exist`;
  for (const node of list.items) {
    const ready = node.status.conditions?.find((c) => c.type === "Ready")?.status;
    if (ready !== "True") return `node ${node.metadata.name} is not Ready (${ready ?? "no condition yet"})`;
    const taint = node.spec.taints?.find((t) => t.effect === "NoSchedule" || t.effect === "NoExecute");
    if (taint) return `node ${node.metadata.name} still has taint ${taint.key}`;
    if (!node.spec.podCIDR) return `node ${node.metadata.name} has no pod range yet`;
  }
  return undefined;
}
