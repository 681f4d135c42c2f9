// deliver promote, spawned as a user runs it: --print shows the exact digests running in staging; without it
// those digests are deployed to prod and prod's Deployments then run exactly them.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, inject, it } from "vitest";
import { imageName, parsePipelineConfig } from "../../../src/config/index.js";
import { applyObjects } from "../../../src/delivery/apply.js";
import { deleteNamespace, demoDeployment, readDeployment, testKubeConfig, uniqueNamespace } from "./helpers.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "deliver-promote-"));
const kubeConfig = testKubeConfig();
const kubeconfigFile = join(dir, "kubeconfig");
writeFileSync(kubeconfigFile, readFileSync(inject("kubeconfig"), "utf8"));
const staging = uniqueNamespace("promote-staging");
const prod = uniqueNamespace("promote-prod");
const configFile = join(dir, "pipeline.yaml");
writeFileSync(
  configFile,
  readFileSync(join(root, "pipeline.yaml"), "utf8")
    .replace("namespace: shop-staging", `namespace: ${staging}`)
    .replace("namespace: shop-prod", `namespace: ${prod}`),
);
const config = parsePipelineConfig(readFileSync(configFile, "utf8"), configFile);

afterAll(async () => {
  await Promise.all([deleteNamespace(kubeConfig, staging), deleteNamespace(kubeConfig, prod)]);
});

function deliver(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "src/cli/deliver.ts", ...args],
      { cwd: root, env: { ...process.env, KUBECONFIG: kubeconfigFile }, timeout: 110_000 },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        resolve({ code: typeof code === "number" ? code : null, stdout, stderr });
      },
    );
  });
}

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
    const run = await deliver(["promote", "--from", "staging", "--to", "prod", "--print", "--config", configFile]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ images: expected });
  });

  it("deploys exactly those digests to prod", async () => {
    const run = await deliver([
      "promote",
      "--from",
      "staging",
      "--to",
      "prod",
      "--config",
      configFile,
      "--timeout",
      "90",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^promoted staging to prod: release [0-9a-f]{12} \(changed: .+\)\n$/);
    for (const service of services) {
      const d = await readDeployment(kubeConfig, prod, service);
      expect(d.spec?.template.spec?.containers.find((c) => c.name === service)?.image).toBe(expected[service]);
    }
  }, 120_000);
});
