// This repository's own pipeline.yaml and workspaces, as the Dagger functions read them from the source directory.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Workspace } from "../../modules/node-service/src/lib.js";
import { loadPipelineConfig, type PipelineConfig } from "../../src/config/index.js";
import { type ServicePlan, servicePlans } from "../../src/plan/plan.js";

/** The repository root, as a path. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Every workspace of the root package.json's globs (packages/*, services/*). */
const REPO_WORKSPACES = [
  "packages/embedded-db",
  "packages/payment-card",
  "packages/service-kit",
  "services/api",
  "services/checkout",
  "services/payments",
  "services/storefront",
];

export async function repoWorkspaces(): Promise<Workspace[]> {
  return Promise.all(
    REPO_WORKSPACES.map(async (path) => ({
      path,
      manifest: JSON.parse(await readFile(`${REPO_ROOT}${path}/package.json`, "utf8")),
    })),
  );
}

export function repoConfig(): Promise<PipelineConfig> {
  return loadPipelineConfig(`${REPO_ROOT}pipeline.yaml`);
}

export async function repoPlans(): Promise<ServicePlan[]> {
  const [config, workspaces] = await Promise.all([repoConfig(), repoWorkspaces()]);
  return servicePlans(config, workspaces);
}
