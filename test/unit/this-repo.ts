// This repository's own pipeline.yaml and workspaces, as the Dagger functions read them from the source directory.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type Workspace, workspacePatterns } from "../../modules/node-service/src/lib.js";
import { loadPipelineConfig, type PipelineConfig } from "../../src/config/index.js";
import { type ServicePlan, servicePlans } from "../../src/plan/plan.js";

/** The repository root, as a path. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Every workspace of the root package.json's globs (`dir/*` ones, as this repository declares), found as the build finds them. */
export async function repoWorkspaces(): Promise<Workspace[]> {
  const root = JSON.parse(await readFile(`${REPO_ROOT}package.json`, "utf8"));
  const paths = await Promise.all(
    workspacePatterns(root).map(async (pattern) => {
      if (!pattern.endsWith("/*")) throw new Error(`this helper reads dir/* workspace globs only, not ${pattern}`);
      const dir = pattern.slice(0, -2);
      const entries = await readdir(`${REPO_ROOT}${dir}`, { withFileTypes: true });
      return entries
        .filter((entry) => entry.isDirectory() && existsSync(`${REPO_ROOT}${dir}/${entry.name}/package.json`))
        .map((entry) => `${dir}/${entry.name}`);
    }),
  );
  return Promise.all(
    paths
      .flat()
      .sort()
      .map(async (path) => ({
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
