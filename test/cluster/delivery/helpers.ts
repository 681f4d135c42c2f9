// Hand-written manifests and a namespace per test for the delivery tests (tier 2).
import { createHash, randomBytes } from "node:crypto";
import { inject } from "vitest";
import { imageName, type PipelineConfig } from "../../../src/config/index.js";
import { loadKubeConfig } from "../../../src/delivery/kube.js";
import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Deployment } from "../../../src/delivery/kube-client.js";

export const IMAGE = "registry.local/shop/demo";

export function testKubeConfig(): KubeConfig {
  return loadKubeConfig(inject("kubeconfig"));
}

export function uniqueNamespace(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString("hex")}`;
}

/** A small Deployment that never drops below `replicas` available pods during a rollout. */
export function demoDeployment(
  namespace: string,
  tag: string,
  options: { name?: string; replicas?: number; progressDeadlineSeconds?: number } = {},
): V1Deployment {
  const name = options.name ?? "demo";
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas: options.replicas ?? 2,
      progressDeadlineSeconds: options.progressDeadlineSeconds ?? 10,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: name } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: "app", image: `${IMAGE}:${tag}`, resources: { requests: { cpu: "10m", memory: "16Mi" } } },
          ],
        },
      },
    },
  };
}

export async function readDeployment(kc: KubeConfig, namespace: string, name = "demo"): Promise<V1Deployment> {
  return kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace, name });
}

/** A namespace with the `<service>-secrets` Secrets the shop's Deployments reference (empty: kwok starts no process). */
export async function createShopNamespace(
  kc: KubeConfig,
  namespace: string,
  services: readonly string[],
): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  for (const s of services) {
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: `${s}-secrets`, namespace } } });
  }
}

/** `<registry>/<repository>/<service>[:tag]@sha256:…` with a digest made up from service and version. */
export function fakeImage(config: PipelineConfig, service: string, version: string, tag?: string): string {
  const digest = createHash("sha256").update(`${service}-${version}`).digest("hex");
  return `${imageName(config.registry, service)}${tag ? `:${tag}` : ""}@sha256:${digest}`;
}

export async function deleteNamespace(kc: KubeConfig, name: string): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name })
    .catch(() => {});
}

/** One reading of one Deployment: available pods, and the least a rollout may leave available. */
export interface AvailabilitySample {
  at: number;
  name: string;
  available: number;
  /** spec.replicas minus the strategy's maxUnavailable (a percentage rounds down, as the controller does). */
  floor: number;
  revision: string | undefined;
}

/** Lists the namespace's Deployments (or only `name`) every `everyMs` until stopped; returns every sample. */
export function sampleAvailability(
  kc: KubeConfig,
  namespace: string,
  options: { name?: string; everyMs?: number } = {},
) {
  const apps = kc.makeApiClient(AppsV1Api);
  const samples: AvailabilitySample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const list = await apps.listNamespacedDeployment({
        namespace,
        ...(options.name ? { fieldSelector: `metadata.name=${options.name}` } : {}),
      });
      const at = Date.now();
      for (const d of list.items) {
        const desired = d.spec?.replicas ?? 1;
        samples.push({
          at,
          name: d.metadata?.name ?? "?",
          available: d.status?.availableReplicas ?? 0,
          floor: desired - maxUnavailableOf(d, desired),
          revision: d.metadata?.annotations?.["deployment.kubernetes.io/revision"],
        });
      }
      await new Promise((r) => setTimeout(r, options.everyMs ?? 200));
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}

function maxUnavailableOf(d: V1Deployment, desired: number): number {
  const value = d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? "25%";
  if (typeof value === "number") return value;
  return Math.floor((desired * Number.parseInt(value, 10)) / 100);
}
