// ShopService carries what the root read from the source as a JSON field (Dagger serialises object fields between
// calls): what comes back must plan exactly what the root planned.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { installManifestPaths } from "../../../modules/node-service/src/lib.js";
import { deliveryOf, type LoadedSource, loadedSource } from "../../../src/dagger/context.js";
import { REPO_ROOT, repoConfig, repoPlans, repoWorkspaces } from "../this-repo.js";

async function thisRepository(): Promise<LoadedSource> {
  const [config, workspaces, lockfile] = await Promise.all([
    repoConfig(),
    repoWorkspaces(),
    readFile(`${REPO_ROOT}package-lock.json`, "utf8").then(JSON.parse),
  ]);
  return { config, workspaces, lockfile, manifests: installManifestPaths(workspaces.map((w) => w.path)) };
}

describe("the loaded source as a child object carries it", () => {
  it("survives a JSON round trip unchanged and plans the same services", async () => {
    const settings = { source: {} as never, nodeVersion: "24", npmCache: "npm-cache", revision: "", sourceUrl: "" };
    const root = deliveryOf(settings, await thisRepository());
    const carried = JSON.parse(JSON.stringify(loadedSource(root))) as LoadedSource;
    expect(carried).toEqual(loadedSource(root));
    const child = deliveryOf(settings, carried);
    expect(child.plans).toEqual(await repoPlans());
    expect(child.plans).toEqual(root.plans);
  });
});
