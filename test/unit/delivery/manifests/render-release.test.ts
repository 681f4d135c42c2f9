import { describe, expect, it } from "vitest";
import { renderRelease, toApiObject } from "../../../../src/delivery/manifests/index.js";
import { config, release } from "./fixture.js";

describe("renderRelease snapshots", () => {
  it("renders the dev release (fixed replicas) as committed", () => {
    expect(renderRelease(config, "dev", release()).map(toApiObject)).toMatchSnapshot();
  });

  it("renders the prod release (autoscaling) as committed", () => {
    expect(renderRelease(config, "prod", release()).map(toApiObject)).toMatchSnapshot();
  });

  it("orders objects by kind, then by dependency order within a kind", () => {
    const dev = renderRelease(config, "dev", release()).map((o) => `${o.kind}/${o.metadata?.name}`);
    expect(dev).toEqual([
      "ConfigMap/api-config",
      "ConfigMap/payments-config",
      "ConfigMap/checkout-config",
      "ConfigMap/storefront-config",
      "Service/api",
      "Service/payments",
      "Service/checkout",
      "Service/storefront",
      "Deployment/api",
      "Deployment/payments",
      "Deployment/checkout",
      "Deployment/storefront",
      "NetworkPolicy/api",
      "NetworkPolicy/payments",
      "NetworkPolicy/checkout",
      "NetworkPolicy/storefront",
    ]);
    const prodKinds = renderRelease(config, "prod", release()).map((o) => o.kind);
    expect(prodKinds.filter((k) => k === "PodDisruptionBudget")).toHaveLength(4);
    expect(prodKinds.filter((k) => k === "HorizontalPodAutoscaler")).toHaveLength(4);
    expect(prodKinds.indexOf("PodDisruptionBudget")).toBeGreaterThan(prodKinds.lastIndexOf("Deployment"));
    expect(prodKinds.indexOf("HorizontalPodAutoscaler")).toBeGreaterThan(prodKinds.lastIndexOf("PodDisruptionBudget"));
    expect(prodKinds.indexOf("NetworkPolicy")).toBeGreaterThan(prodKinds.lastIndexOf("HorizontalPodAutoscaler"));
  });

  it("puts every object in the environment's namespace with apiVersion, kind and our labels", () => {
    for (const env of ["dev", "staging", "prod"] as const) {
      const objects = renderRelease(config, env, release());
      expect(objects.length).toBeGreaterThan(0);
      for (const o of objects) {
        expect(o.apiVersion, `${o.kind}`).toBeTruthy();
        expect(o.metadata?.namespace).toBe(config.environments[env].namespace);
        expect(o.metadata?.labels?.["app.kubernetes.io/managed-by"]).toBe("ecommerce-delivery");
        expect(o.metadata?.labels?.["app.kubernetes.io/part-of"]).toBeTruthy();
        expect(Object.keys(config.services)).toContain(o.metadata?.labels?.["app.kubernetes.io/name"]);
      }
    }
  });

  it("is pure: rendering twice gives equal output and does not touch the input", () => {
    const input = release();
    const before = JSON.stringify({ config, input });
    expect(renderRelease(config, "prod", input)).toEqual(renderRelease(config, "prod", input));
    expect(JSON.stringify({ config, input })).toBe(before);
  });
});
