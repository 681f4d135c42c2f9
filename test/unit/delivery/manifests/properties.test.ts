import type { V1Deployment, V1NetworkPolicy } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES, type PipelineConfig } from "../../../../src/config/index.js";
import { type ManifestObject, renderRelease, toApiObject } from "../../../../src/delivery/manifests/index.js";
import { config, release } from "./fixture.js";

const ofKind = <T extends ManifestObject>(objects: ManifestObject[], kind: string) =>
  objects.filter((o) => o.kind === kind) as T[];
const serviceCount = Object.keys(config.services).length;

/** Deployments of an environment; fails (rather than loops over nothing) unless there is one per service. */
function deployments(env: (typeof ENVIRONMENT_NAMES)[number], cfg: PipelineConfig = config): V1Deployment[] {
  const found = ofKind<V1Deployment>(renderRelease(cfg, env, release()), "Deployment");
  expect(found).toHaveLength(Object.keys(cfg.services).length);
  return found;
}

function networkPolicy(name: string): V1NetworkPolicy {
  const found = ofKind<V1NetworkPolicy>(renderRelease(config, "prod", release()), "NetworkPolicy").find(
    (p) => p.metadata?.name === name,
  );
  if (!found) throw new Error(`no NetworkPolicy ${name}`);
  return found;
}

describe("Deployment properties", () => {
  it("places pods by the environment's scheduling, and only where it has one", () => {
    const scheduling = {
      nodeSelector: { "ecommerce.dev/node": "real" },
      tolerations: [{ key: "ecommerce.dev/real-node", operator: "Exists" as const, effect: "NoSchedule" as const }],
    };
    const withScheduling: PipelineConfig = {
      ...config,
      environments: { ...config.environments, dev: { ...config.environments.dev, scheduling } },
    };
    for (const d of deployments("dev", withScheduling)) {
      expect(d.spec?.template.spec?.nodeSelector).toEqual(scheduling.nodeSelector);
      expect(d.spec?.template.spec?.tolerations).toEqual(scheduling.tolerations);
    }
    for (const d of deployments("staging")) {
      expect(d.spec?.template.spec && "nodeSelector" in d.spec.template.spec).toBe(false);
      expect(d.spec?.template.spec && "tolerations" in d.spec.template.spec).toBe(false);
    }
  });

  it("labels each pod with its image digest's first 12 hex digits, so revisions tell apart in metrics", () => {
    for (const d of deployments("dev")) {
      const name = d.metadata?.name ?? "";
      const digest = d.metadata?.annotations?.["ecommerce-delivery/image-digest"] ?? "";
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(d.spec?.template.metadata?.labels?.["ecommerce-delivery/digest"], name).toBe(digest.slice(7, 19));
      expect(d.spec?.selector.matchLabels, "the selector stays the name only").toEqual({
        "app.kubernetes.io/name": name,
      });
    }
  });

  it("leaves spec.replicas out under autoscaling, and sets it from the environment otherwise", () => {
    expect(
      config.environments.prod.autoscaling,
      "prod must use autoscaling for this test to mean anything",
    ).toBeDefined();
    for (const d of deployments("prod")) {
      expect(d.spec && "replicas" in d.spec, `${d.metadata?.name} has spec.replicas`).toBe(false);
      expect(JSON.stringify(toApiObject(d))).not.toContain('"replicas"');
    }
    for (const env of ["dev", "staging"] as const) {
      const replicas = config.environments[env].replicas;
      expect(replicas).toBeDefined();
      for (const d of deployments(env)) expect(d.spec?.replicas).toBe(replicas);
    }
  });

  it("runs every container non-root with a read-only root filesystem, no escalation, no capabilities, writable /tmp", () => {
    for (const env of ENVIRONMENT_NAMES) {
      for (const d of deployments(env)) {
        const pod = d.spec?.template.spec;
        expect(pod?.securityContext).toMatchObject({
          runAsNonRoot: true,
          runAsUser: 1000,
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(pod?.containers.length).toBeGreaterThan(0);
        for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
          expect(c.securityContext?.runAsNonRoot ?? pod?.securityContext?.runAsNonRoot).toBe(true);
          expect(c.securityContext?.runAsUser ?? pod?.securityContext?.runAsUser).not.toBe(0);
          expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
          expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
          expect(c.securityContext?.capabilities?.drop).toEqual(["ALL"]);
          const tmp = c.volumeMounts?.find((m) => m.mountPath === "/tmp");
          expect(pod?.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
        }
      }
    }
  });

  it("probes the declared paths on the declared port", () => {
    const changed: PipelineConfig = structuredClone(config);
    for (const [name, s] of Object.entries(changed.services)) {
      s.healthPath = `/${name}/live`;
      s.readinessPath = `/${name}/ready`;
    }
    for (const cfg of [config, changed]) {
      for (const d of deployments("dev", cfg)) {
        const name = d.metadata?.name ?? "";
        const svc = cfg.services[name];
        const c = d.spec?.template.spec?.containers[0];
        expect(svc && c).toBeTruthy();
        const port = c?.ports?.find((p) => p.name === "http");
        expect(port?.containerPort).toBe(svc?.port);
        expect(c?.readinessProbe?.httpGet).toMatchObject({ path: svc?.readinessPath, port: "http" });
        expect(c?.livenessProbe?.httpGet).toMatchObject({ path: svc?.healthPath, port: "http" });
        expect(c?.startupProbe?.httpGet).toMatchObject({ path: svc?.healthPath, port: "http" });
        expect(d.spec?.template.metadata?.annotations).toMatchObject({
          "prometheus.io/scrape": "true",
          "prometheus.io/port": String(svc?.port),
          "prometheus.io/path": "/metrics",
        });
      }
    }
  });

  it("rolls out without dropping below the desired count and gives pods longer than their drain timeout", () => {
    for (const env of ENVIRONMENT_NAMES) {
      for (const d of deployments(env)) {
        expect(d.spec?.strategy?.type).toBe("RollingUpdate");
        expect(d.spec?.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
        expect(d.spec?.strategy?.rollingUpdate?.maxSurge).toEqual(config.environments[env].rollout.maxSurge);
        expect(d.spec?.progressDeadlineSeconds).toBe(config.environments[env].rollout.progressDeadlineSeconds);
        expect(d.spec?.revisionHistoryLimit).toBe(10);
        const shutdownMs = Number(config.services[d.metadata?.name ?? ""]?.env.SHUTDOWN_TIMEOUT_MS ?? 10_000);
        expect(d.spec?.template.spec?.terminationGracePeriodSeconds ?? 30).toBeGreaterThan(shutdownMs / 1000);
      }
    }
  });
});

describe("NetworkPolicy properties", () => {
  const peers = (rule: { _from?: unknown[] } | undefined) => JSON.stringify(rule?._from ?? "anywhere");

  it("admits into payments only checkout and Prometheus", () => {
    const ingress = networkPolicy("payments").spec?.ingress ?? [];
    expect(ingress).toHaveLength(2);
    for (const rule of ingress) {
      expect(rule._from, "a rule without peers would admit everyone").toBeDefined();
      expect(rule.ports).toEqual([{ protocol: "TCP", port: 3003 }]);
    }
    const allPeers = ingress.flatMap((r) => r._from ?? []);
    expect(allPeers).toEqual([
      { podSelector: { matchLabels: { "app.kubernetes.io/name": "checkout" } } },
      { namespaceSelector: {}, podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } },
    ]);
    // On the wire the peers are under `from` (the model's `_from`), or the policy would admit everyone.
    const wire = toApiObject(networkPolicy("payments")) as { spec: { ingress: Array<Record<string, unknown>> } };
    for (const rule of wire.spec.ingress) expect(Object.keys(rule).sort()).toEqual(["from", "ports"]);
  });

  it("admits anyone into storefront on its port only, and only callers into the others", () => {
    const storefront = networkPolicy("storefront").spec?.ingress ?? [];
    expect(storefront.some((r) => r._from === undefined && r.ports?.[0]?.port === 3000)).toBe(true);
    for (const name of ["api", "checkout", "payments"]) {
      for (const rule of networkPolicy(name).spec?.ingress ?? []) expect(peers(rule)).not.toBe('"anywhere"');
    }
    const apiCallers = (networkPolicy("api").spec?.ingress?.[0]?._from ?? []).map(
      (p) => p.podSelector?.matchLabels?.["app.kubernetes.io/name"],
    );
    expect(apiCallers).toEqual(["checkout", "storefront"]);
  });

  it("lets each service out only to its callees, DNS and (with a database) PostgreSQL", () => {
    for (const [name, svc] of Object.entries(config.services)) {
      const policy = networkPolicy(name);
      expect(policy.spec?.policyTypes).toEqual(["Ingress", "Egress"]);
      const egress = policy.spec?.egress ?? [];
      const callees = egress
        .flatMap((r) => r.to ?? [])
        .map((p) => p.podSelector?.matchLabels?.["app.kubernetes.io/name"]);
      expect(callees.filter(Boolean)).toEqual(svc.calls);
      const dns = egress.find((r) => r.ports?.some((p) => p.port === 53));
      expect(dns?.to).toEqual([
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } },
      ]);
      expect(dns?.ports).toEqual([
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
      ]);
      expect(egress.some((r) => r.ports?.some((p) => p.port === 5432))).toBe(svc.database);
      expect(egress).toHaveLength(svc.calls.length + 1 + (svc.database ? 1 : 0));
    }
  });
});

describe("PodDisruptionBudget and HorizontalPodAutoscaler", () => {
  it("keeps at least one pod through a drain when there is more than one, and has no PDB for a single pod", () => {
    expect(ofKind(renderRelease(config, "dev", release()), "PodDisruptionBudget")).toHaveLength(0);
    const staging = ofKind<{ spec: { minAvailable: number } } & ManifestObject>(
      renderRelease(config, "staging", release()),
      "PodDisruptionBudget",
    );
    expect(staging).toHaveLength(serviceCount);
    for (const p of staging) expect(p.spec.minAvailable).toBe(1);
    const hpas = ofKind<ManifestObject & { spec: Record<string, unknown> }>(
      renderRelease(config, "prod", release()),
      "HorizontalPodAutoscaler",
    );
    expect(hpas).toHaveLength(serviceCount);
    for (const h of hpas) {
      expect(h.apiVersion).toBe("autoscaling/v2");
      expect(h.spec).toMatchObject({
        minReplicas: 3,
        maxReplicas: 10,
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: h.metadata?.name },
        metrics: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
        ],
      });
    }
  });
});

describe("wire form", () => {
  // The client's runtime is not loaded here (the manifests import only its types), so the check is on the rename
  // itself: the model's only renamed field in what we render is NetworkPolicy `_from`.
  it("spells every field as the API does, with no model-only `_` names left", () => {
    const objects = ENVIRONMENT_NAMES.flatMap((env) => renderRelease(config, env, release()));
    expect(objects.length).toBeGreaterThan(serviceCount * 4);
    const json = objects.map((o) => JSON.stringify(toApiObject(o))).join("\n");
    expect(JSON.stringify(objects)).toContain('"_from"');
    expect(json).not.toMatch(/"_[a-zA-Z]+":/);
    expect(json).toContain('"from":');
  });
});
