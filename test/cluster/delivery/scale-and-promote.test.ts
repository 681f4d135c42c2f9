// Scale through the scale subresource (refused under an HPA) and promotion of exact digests (into prod only with
// the approval pipeline.yaml requires there), on the real cluster.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { imageName, type PipelineConfig, parsePipelineConfig } from "../../../src/config/index.js";
import { applyObjects } from "../../../src/delivery/apply.js";
import { PromotionError, ScaleError } from "../../../src/delivery/errors.js";
import { AppsV1Api, type V1Deployment, type V2HorizontalPodAutoscaler } from "../../../src/delivery/kube-client.js";
import { promote, promotionRelease, readRunningDigests } from "../../../src/delivery/promote.js";
import { readReleaseRecords } from "../../../src/delivery/release-records.js";
import { waitForRollout } from "../../../src/delivery/rollout-status.js";
import { scaleService } from "../../../src/delivery/scale.js";
import { deleteNamespace, demoDeployment, readDeployment, testKubeConfig, uniqueNamespace } from "./helpers.js";

const kubeConfig = testKubeConfig();
const pipelineFile = fileURLToPath(new URL("../../../pipeline.yaml", import.meta.url));
const baseConfig = parsePipelineConfig(readFileSync(pipelineFile, "utf8"), "pipeline.yaml");
const namespaces: string[] = [];

/** A copy of pipeline.yaml's config whose environments live in fresh namespaces. */
function configCopy(): PipelineConfig {
  const config = structuredClone(baseConfig) as PipelineConfig & {
    environments: Record<string, { namespace: string }>;
  };
  for (const env of Object.keys(config.environments)) {
    const ns = uniqueNamespace(`deliver-${env}`);
    config.environments[env] = { ...config.environments[env], namespace: ns } as never;
    namespaces.push(ns);
  }
  return config;
}

function withImage(d: V1Deployment, image: string): V1Deployment {
  const container = d.spec?.template.spec?.containers[0];
  if (container) container.image = image;
  return d;
}

const digest = (seed: string) => `sha256:${seed.repeat(64).slice(0, 64)}`;

afterAll(async () => {
  await Promise.all(namespaces.map((ns) => deleteNamespace(kubeConfig, ns)));
});

describe("scaleService", () => {
  it("scales a Deployment from 2 to 3 through the scale subresource and readyReplicas follows", async () => {
    const config = configCopy();
    const ns = config.environments.dev.namespace;
    await applyObjects([demoDeployment(ns, "v1", { name: "api", replicas: 2, progressDeadlineSeconds: 60 })], {
      kubeConfig,
    });
    await waitForRollout(ns, "api", { kubeConfig, timeoutMs: 60_000 });
    const result = await scaleService({
      config,
      env: "dev",
      service: "api",
      replicas: 3,
      kubeConfig,
      wait: true,
      timeoutMs: 60_000,
    });
    expect(result).toEqual({ namespace: ns, name: "api", previous: 2, replicas: 3 });
    const d = await readDeployment(kubeConfig, ns, "api");
    expect(d.spec?.replicas).toBe(3);
    expect(d.status?.readyReplicas).toBe(3);
    expect(d.status?.availableReplicas).toBe(3);
  });

  it("refuses when an autoscaling/v2 HorizontalPodAutoscaler targets the Deployment, and changes nothing", async () => {
    const config = configCopy();
    const ns = config.environments.prod.namespace;
    const hpa: V2HorizontalPodAutoscaler = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "checkout", namespace: ns },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "checkout" },
        minReplicas: 3,
        maxReplicas: 10,
        metrics: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
        ],
      },
    };
    await applyObjects([demoDeployment(ns, "v1", { name: "checkout", replicas: 3 }), hpa], { kubeConfig });
    const err = await scaleService({ config, env: "prod", service: "checkout", replicas: 5, kubeConfig }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ScaleError);
    expect((err as Error).message).toBe(
      "prod/checkout is autoscaled 3–10 by HPA checkout; change environments.prod.autoscaling in pipeline.yaml instead",
    );
    const scale = await kubeConfig
      .makeApiClient(AppsV1Api)
      .readNamespacedDeploymentScale({ namespace: ns, name: "checkout" });
    expect(scale.spec?.replicas).toBe(3);
  });

  it("unknown environment, unknown service and out-of-range replicas are one-line errors naming the field", async () => {
    const config = configCopy();
    const attempt = (env: string, service: string, replicas: number) =>
      scaleService({ config, env, service, replicas, kubeConfig }).then(
        () => new Error("scaled"),
        (e: unknown) => e as Error,
      );
    expect((await attempt("qa", "api", 1)).message).toBe(
      'unknown environment "qa" (pipeline.yaml declares: dev, staging, prod)',
    );
    expect((await attempt("dev", "cart", 1)).message).toBe(
      'unknown service "cart" (pipeline.yaml declares: storefront, api, checkout, payments)',
    );
    for (const replicas of [-1, 101, 1.5]) {
      const err = await attempt("dev", "api", replicas);
      expect(err).toBeInstanceOf(ScaleError);
      expect(err.message).toBe(`replicas (--replicas) must be an integer from 0 to 100, got ${replicas}`);
    }
  });
});

describe("promotion", () => {
  it("copies the exact digests running in staging into the release for prod, and refuses a tag-only image", async () => {
    const config = configCopy();
    const ns = config.environments.staging.namespace;
    const services = Object.keys(config.services);
    const expected: Record<string, string> = {};
    services.forEach((service, i) => {
      expected[service] = `${imageName(config.registry, service)}:build-${i}@${digest(String(i + 1))}`;
    });
    await applyObjects(
      services.map((service) =>
        withImage(demoDeployment(ns, "v1", { name: service, replicas: 1 }), expected[service] ?? ""),
      ),
      { kubeConfig },
    );
    const running = await readRunningDigests({ config, env: "staging", kubeConfig });
    expect(Object.fromEntries(Object.entries(running).map(([s, r]) => [s, r.image]))).toEqual(expected);
    expect(Object.values(running).every((r) => r.pinned && r.namespace === ns)).toBe(true);

    const release = await promotionRelease({ config, from: "staging", to: "prod", kubeConfig });
    expect(release).toEqual({ images: expected });

    // prod is promoted from staging, not from dev
    const wrongWay = await promotionRelease({ config, from: "dev", to: "prod", kubeConfig }).catch((e: unknown) => e);
    expect(wrongWay).toBeInstanceOf(PromotionError);
    expect((wrongWay as Error).message).toBe(
      "prod is not promoted from dev: pipeline.yaml promotes prod from staging (environments.prod.promotion.from)",
    );

    // one service running a tag-only image blocks the promotion and is named
    const tagOnly = `${imageName(config.registry, "checkout")}:latest`;
    await applyObjects([withImage(demoDeployment(ns, "v1", { name: "checkout", replicas: 1 }), tagOnly)], {
      kubeConfig,
    });
    const err = await promotionRelease({ config, from: "staging", to: "prod", kubeConfig }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PromotionError);
    expect((err as Error).message).toBe(
      `cannot promote staging to prod: service checkout in staging runs "${tagOnly}", which is not pinned by digest (@sha256:...); deploy staging from a release of digests first`,
    );
    expect((err as Error).message).not.toContain("\n");
  });

  it("promote() into prod is refused without approvedBy, deploys nothing, and records the approver once given", async () => {
    const config = configCopy();
    const from = config.environments.staging.namespace;
    const to = config.environments.prod.namespace;
    const services = Object.keys(config.services);
    const images = Object.fromEntries(
      services.map((service, i) => [service, `${imageName(config.registry, service)}@${digest(String(i + 6))}`]),
    );
    await applyObjects(
      services.map((service) =>
        withImage(demoDeployment(from, "v1", { name: service, replicas: 1 }), images[service] ?? ""),
      ),
      { kubeConfig },
    );

    const refused = await promote({ config, from: "staging", to: "prod", kubeConfig }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PromotionError);
    expect(refused).toMatchObject({ reason: "approval_required" });
    expect((await readReleaseRecords(to, { kubeConfig })).current).toBeUndefined();

    const result = await promote({
      config,
      from: "staging",
      to: "prod",
      kubeConfig,
      approvedBy: "release-manager@example.com",
      timeoutMs: 90_000,
    });
    expect(result.release.images).toEqual(images);
    expect(result.release.approval?.by).toBe("release-manager@example.com");
    const recorded = (await readReleaseRecords(to, { kubeConfig })).current;
    expect(recorded?.id).toBe(result.release.id);
    expect(recorded?.approval).toEqual(result.release.approval);
    expect(recorded?.revision).toBe("promoted from staging");
  }, 120_000);
});
