import { layoutOf } from "./components.js";
import { ClusterError } from "./errors.js";
import { readState } from "./state.js";

/**
 * Compacts the cluster's etcd up to its current revision (through etcd's JSON gateway on loopback), so that every
 * older resourceVersion is gone for good: a watch from one then gets 410 Gone whether the API server serves it from
 * its watch cache or from etcd. Returns the revision compacted to.
 */
export async function compactEtcd(runDir: string): Promise<number> {
  const state = await readState(layoutOf(runDir).stateFile);
  if (!state) throw new ClusterError("state", `no cluster state in ${runDir}`);
  const base = `http://127.0.0.1:${state.ports.etcdClient}/v3`;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, { method: "POST", body: JSON.stringify(body) });
    if (!response.ok) throw new ClusterError("state", `etcd ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as { header?: { revision?: string } };
  };
  const range = await post("/kv/range", { key: Buffer.from("/").toString("base64") });
  const revision = Number(range.header?.revision);
  await post("/kv/compaction", { revision: String(revision), physical: true });
  return revision;
}
