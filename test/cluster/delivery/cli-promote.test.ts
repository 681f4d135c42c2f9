// deliver promote, spawned as a user runs it: --print shows the exact digests running in staging; without it
// (and with the approval prod requires) those digests are deployed to prod and prod's Deployments then run exactly
// them.
import { afterAll, describe, expect, it } from "vitest";
import { imageName } from "../../../src/config/index.js";
import { applyObjects } from "../../../src/delivery/apply.js";
import { testEnvironment } from "./environment-fixture.js";
import { deleteNamespace, demoDeployment, readDeployment, testKubeConfig } from "./helpers.js";

const kubeConfig = testKubeConfig();
const { config, namespaces, deliver } = testEnvironment("promote", ["staging", "prod"]);
const staging = namespaces.staging ?? "";
const prod = namespaces.prod ?? "";

afterAll(async () => {
  await Promise.all([deleteNamespace(kubeConfig, staging), deleteNamespace(kubeConfig, prod)]);
});

describe("deliver promote", () => {
  const services = Object.keys(config.services);
  const expected = Object.fromEntries(
    services.map((service, i) => [
      service,
      `${imageName(config.registry, service)}@sha256:${String(i + 5)
        .repeat(64)
        .slice(0, 64)}`,
    ]),
  );

  it("--print prints the release of the digests running in staging", async () => {
    await applyObjects(
      services.map((service) => {
        const d = demoDeployment(staging, "v1", { name: service, replicas: 1 });
        const container = d.spec?.template.spec?.containers[0];
        if (container) container.image = expected[service];
        return d;
      }),
      { kubeConfig },
    );
    const run = await deliver(["promote", "--from", "staging", "--to", "prod", "--print"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ images: expected });
  });

  it("deploys exactly those digests to prod once approved (prod has promotion.requiresApproval)", async () => {
    const run = await deliver([
      "promote",
      "--from",
      "staging",
      "--to",
      "prod",
      "--timeout",
      "90",
      "--approve",
      "ci-bot",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^promoted staging to prod: release [0-9a-f]{12} \(changed: .+\)\napproved by ci-bot at \S+Z\n$/,
    );
    for (const service of services) {
      const d = await readDeployment(kubeConfig, prod, service);
      expect(d.spec?.template.spec?.containers.find((c) => c.name === service)?.image).toBe(expected[service]);
    }
  }, 120_000);
});
