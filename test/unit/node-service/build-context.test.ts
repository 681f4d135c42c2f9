import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { buildContext, runtimeWorkspaceOrder, type Workspace } from "../../../modules/node-service/src/lib.js";
import { SERVICE_BUILD_FILES, serviceBuildContext } from "../../../src/plan/plan.js";
import { REPO_ROOT, repoPlans, repoWorkspaces } from "../this-repo.js";

const ws = (path: string, dependencies: string[] = [], devDependencies: string[] = []): Workspace => ({
  path,
  manifest: {
    name: path.split("/").pop(),
    dependencies: Object.fromEntries(dependencies.map((d) => [d, "*"])),
    devDependencies: Object.fromEntries(devDependencies.map((d) => [d, "*"])),
  },
});

// Two apps sharing a library, a library of a library, and a test helper only one app uses, as a dev dependency.
const GRAPH = [
  ws("apps/web", ["ui", "react"], ["test-kit"]),
  ws("apps/admin", ["core"]),
  ws("libs/ui", ["core"]),
  ws("libs/core"),
  ws("libs/test-kit", ["core"]),
];

describe("what the build of one workspace copies", () => {
  it("holds the workspace and its local runtime dependencies transitively, and nothing of the others", () => {
    const context = buildContext(runtimeWorkspaceOrder(GRAPH, "apps/web"));
    expect(context.order).toEqual(["libs/core", "libs/ui", "apps/web"]);
    expect(context.include).toEqual([
      "package.json",
      "package-lock.json",
      ".npmrc",
      "tsconfig*.json",
      "libs/core/",
      "libs/ui/",
      "apps/web/",
    ]);
    expect(context.manifests).toEqual([
      "package.json",
      "package-lock.json",
      ".npmrc",
      "apps/web/package.json",
      "libs/core/package.json",
      "libs/ui/package.json",
    ]);
  });

  it("gives two workspaces sharing a library the library and not each other", () => {
    const admin = buildContext(runtimeWorkspaceOrder(GRAPH, "apps/admin"));
    expect(admin.include.filter((path) => path.endsWith("/"))).toEqual(["libs/core/", "apps/admin/"]);
    expect(admin.manifests.some((path) => path.startsWith("apps/web/"))).toBe(false);
  });

  it("takes the root build files the caller names instead of tsconfig*.json", () => {
    const context = buildContext(["libs/core"], ["tsconfig.base.json", "babel.config.json"]);
    expect(context.include).toEqual([
      "package.json",
      "package-lock.json",
      ".npmrc",
      "tsconfig.base.json",
      "babel.config.json",
      "libs/core/",
    ]);
  });

  it("refuses an empty order", () => {
    expect(() => buildContext([])).toThrow("a build context needs at least the workspace being built");
  });
});

describe("this repository's service build contexts", () => {
  it("api copies the kit and the contracts; the card services add the card package; none copies embedded-db or another service", async () => {
    const contexts = Object.fromEntries((await repoPlans()).map((plan) => [plan.name, serviceBuildContext(plan)]));
    expect(contexts.api?.include).toEqual([
      "package.json",
      "package-lock.json",
      ".npmrc",
      "tsconfig.base.json",
      "packages/service-kit/",
      "packages/shop-contracts/",
      "services/api/",
    ]);
    expect(contexts.payments?.include.filter((path) => path.endsWith("/"))).toEqual([
      "packages/payment-card/",
      "packages/service-kit/",
      "services/payments/",
    ]);
    for (const name of ["checkout", "storefront"]) {
      expect(contexts[name]?.include.filter((path) => path.endsWith("/"))).toEqual([
        "packages/payment-card/",
        "packages/service-kit/",
        "packages/shop-contracts/",
        `services/${name}/`,
      ]);
    }
  });

  it("names every root file a workspace's tsconfig.build.json extends", async () => {
    for (const workspace of await repoWorkspaces()) {
      const settings = JSON.parse(await readFile(join(REPO_ROOT, workspace.path, "tsconfig.build.json"), "utf8"));
      const base = relative(REPO_ROOT, join(REPO_ROOT, workspace.path, settings.extends));
      const copied = base.startsWith(`${workspace.path}/`) || (SERVICE_BUILD_FILES as readonly string[]).includes(base);
      expect(copied, `${workspace.path} extends ${base}`).toBe(true);
    }
  });
});
