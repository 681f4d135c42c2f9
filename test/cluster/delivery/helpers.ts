// Hand-written manifests and a namespace per test for the delivery tests (tier 2).
import { randomBytes } from "node:crypto";
import "../../../src/delivery/node-compat.js";
import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Deployment } from "@kubernetes/client-node";
import { inject } from "vitest";
import { loadKubeConfig } from "../../../src/delivery/kube.js";

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

export async function deleteNamespace(kc: KubeConfig, name: string): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name })
    .catch(() => {});
}

/** Reads availableReplicas every `everyMs` until stopped; returns every sample. */
export function sampleAvailable(kc: KubeConfig, namespace: string, name = "demo", everyMs = 200) {
  const samples: { at: number; available: number; revision: string | undefined }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const d = await readDeployment(kc, namespace, name);
      samples.push({
        at: Date.now(),
        available: d.status?.availableReplicas ?? 0,
        revision: d.metadata?.annotations?.["deployment.kubernetes.io/revision"],
      });
      await new Promise((r) => setTimeout(r, everyMs));
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
