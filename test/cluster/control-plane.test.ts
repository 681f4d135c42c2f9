// Proves the test cluster (tier 2) is a working Kubernetes: real apiserver, controllers and scheduler,
// with kwok playing the kubelets. Uses a cluster already started by `npm run cluster:up`, or starts
// one itself (a cold start builds the binaries first and takes many minutes).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleLogger, findRunningCluster, type RunningCluster, startCluster, stopCluster } from "./index.js";
import { notYet, waitFor } from "./src/wait.js";

let cluster: RunningCluster;
let startedHere = false;
const namespace = `smoke-${randomBytes(3).toString("hex")}`;

beforeAll(async () => {
  const running = await findRunningCluster();
  if (running) {
    cluster = running;
  } else {
    cluster = await startCluster({ logger: consoleLogger });
    startedHere = true;
  }
  await cluster.kubectl(["create", "namespace", namespace]);
}, 60 * 60_000);

afterAll(async () => {
  if (!cluster) return;
  if (startedHere) await stopCluster({ logger: consoleLogger });
  else await cluster.kubectl(["delete", "namespace", namespace, "--wait=false"]);
}, 120_000);

interface Pod {
  metadata: { name: string };
  spec: { nodeName?: string };
  status: {
    phase: string;
    conditions?: { type: string; status: string }[];
    podIP?: string;
    containerStatuses?: {
      image: string;
      restartCount: number;
      ready: boolean;
      state: { waiting?: { reason: string } };
    }[];
  };
}

interface Deployment {
  status: {
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: { type: string; status: string; reason: string }[];
  };
}

function deployment(name: string, image: string, replicas: number) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: {
      replicas,
      progressDeadlineSeconds: 10,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "app", image, resources: { requests: { cpu: "100m", memory: "64Mi" } } }] },
      },
    },
  };
}

async function apply(manifest: object): Promise<void> {
  await cluster.kubectl(["apply", "--server-side", "--field-manager=smoke-test", "-f", "-"], JSON.stringify(manifest));
}

async function getJson<T>(...args: string[]): Promise<T> {
  return JSON.parse(await cluster.kubectl(["get", "-n", namespace, "-o", "json", ...args])) as T;
}

const podsOf = async (app: string) => (await getJson<{ items: Pod[] }>("pods", "-l", `app=${app}`)).items;
const isReady = (pod: Pod) => pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

describe("test cluster", () => {
  it("answers kubectl with three Ready kwok nodes", async () => {
    const nodes = JSON.parse(await cluster.kubectl(["get", "nodes", "-l", "type=kwok", "-o", "json"])) as {
      items: {
        metadata: { annotations: Record<string, string> };
        status: { conditions: { type: string; status: string }[] };
      }[];
    };
    expect(nodes.items).toHaveLength(3);
    for (const node of nodes.items) {
      expect(node.metadata.annotations["kwok.x-k8s.io/node"]).toBe("fake");
      expect(node.status.conditions.find((c) => c.type === "Ready")?.status).toBe("True");
    }
    const table = await cluster.kubectl(["get", "nodes", "--no-headers"]);
    expect(
      table
        .trim()
        .split("\n")
        .filter((line) => /\sReady\s/.test(line)),
    ).toHaveLength(3);
  });

  it("reports the Kubernetes version it was built from", async () => {
    const version = JSON.parse(await cluster.kubectl(["version", "-o", "json"])) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string; major: string; minor: string };
    };
    const built = cluster.state.versions.kubernetes;
    expect(built).toMatch(/^v1\.\d+\.\d+$/);
    expect(version.serverVersion.gitVersion).toBe(built);
    expect(version.clientVersion.gitVersion).toBe(built);
    expect(`v${version.serverVersion.major}.${version.serverVersion.minor}.`).toBe(built.replace(/\d+$/, ""));
  });

  it("schedules a Deployment's pods on kwok nodes and makes it Available", async () => {
    await apply(deployment("web", "registry.local/shop/api:v1", 2));
    await cluster.kubectl(["rollout", "status", "-n", namespace, "deployment/web", "--timeout=90s"]);
    const status = (await getJson<Deployment>("deployment", "web")).status;
    expect(status.readyReplicas).toBe(2);
    expect(status.conditions?.find((c) => c.type === "Available")?.status).toBe("True");
    const pods = await podsOf("web");
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.spec.nodeName).toMatch(/^kwok-node-\d+$/);
      expect(isReady(pod)).toBe(true);
      // Pod addresses come from the blackholed pod range, so nothing sent to them can leave the machine.
      expect(pod.status.podIP?.startsWith("10.244.")).toBe(true);
    }
  });

  it("removes the pods of a deleted Deployment (kwok stands in for the kubelet)", async () => {
    await apply(deployment("gone", "registry.local/shop/api:v1", 2));
    await cluster.kubectl(["rollout", "status", "-n", namespace, "deployment/gone", "--timeout=90s"]);
    await cluster.kubectl(["delete", "-n", namespace, "deployment/gone", "--wait=false"]);
    await waitFor(
      "the deleted Deployment's pods to disappear",
      async () => {
        const pods = await podsOf("gone");
        return pods.length === 0 ? true : notYet(`${pods.length} pods left`);
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  });

  it("never makes a Deployment on a crash- image available", async () => {
    await apply(deployment("crashing", "registry.local/shop/api:crash-1", 2));
    const deadlineExceeded = await waitFor(
      "the crash- Deployment to exceed its progress deadline",
      async () => {
        const { status } = await getJson<Deployment>("deployment", "crashing");
        const progressing = status.conditions?.find((c) => c.type === "Progressing");
        return progressing?.reason === "ProgressDeadlineExceeded"
          ? status
          : notYet(`Progressing: ${progressing?.reason}`);
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
    expect(deadlineExceeded.readyReplicas ?? 0).toBe(0);
    expect(deadlineExceeded.conditions?.find((c) => c.type === "Available")?.status).toBe("False");
    const pods = await podsOf("crashing");
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.spec.nodeName).toMatch(/^kwok-node-\d+$/);
      expect(pod.status.phase).toBe("Running");
      expect(isReady(pod)).toBe(false);
    }
    await expect(
      cluster.kubectl(["rollout", "status", "-n", namespace, "deployment/crashing", "--timeout=5s"]),
    ).rejects.toThrow(/exceeded its progress deadline/);
  });

  it("crash-loops the pods of a crashloop- image", async () => {
    await apply(deployment("looping", "registry.local/shop/api:crashloop-1", 1));
    const container = await waitFor(
      "a crashloop- pod to restart three times",
      async () => {
        const [pod] = await podsOf("looping");
        const status = pod?.status.containerStatuses?.[0];
        return status && status.restartCount >= 3 ? status : notYet(`restartCount ${status?.restartCount ?? "none"}`);
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
    expect(container.state.waiting?.reason).toBe("CrashLoopBackOff");
    expect(container.image).toBe("registry.local/shop/api:crashloop-1");
    expect(container.ready).toBe(false);
    const [pod] = await podsOf("looping");
    expect(pod && isReady(pod)).toBe(false);
  });
});
