import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  installManifestPaths,
  type PackageManifest,
  runtimeWorkspaceOrder,
  type Workspace,
  workspaceDirOf,
  workspacePatterns,
} from "../../../modules/node-service/src/lib.js";
import { repoWorkspaces } from "../this-repo.js";

describe("workspace manifests to copy before npm ci", () => {
  it("reads the workspace globs of this repository's package.json, in either npm form", async () => {
    const root = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8"));
    expect(workspacePatterns(root)).toEqual(["packages/*", "services/*"]);
    expect(workspacePatterns({ workspaces: { packages: ["apps/*/"] } })).toEqual(["apps/*"]);
    expect(workspacePatterns({})).toEqual([]);
  });

  it("lists the root manifest, the lockfile and EVERY workspace manifest, sorted and without duplicates", () => {
    expect(installManifestPaths(["services/api/", "./packages/service-kit", "services/api"])).toEqual([
      "package.json",
      "package-lock.json",
      "packages/service-kit/package.json",
      "services/api/package.json",
    ]);
  });

  it("adds .npmrc only when the repository has one", () => {
    expect(installManifestPaths(["a"], [".npmrc"])).toEqual([
      "package.json",
      "package-lock.json",
      ".npmrc",
      "a/package.json",
    ]);
    expect(installManifestPaths(["a"], ["README.md"])).toEqual(["package.json", "package-lock.json", "a/package.json"]);
  });

  it("turns glob results back into workspace directories", () => {
    expect(workspaceDirOf("services/api/package.json")).toBe("services/api");
    expect(workspaceDirOf("./tools/package.json")).toBe("tools");
  });
});

describe("local workspaces a service needs at run time", () => {
  it("api needs the service kit and the shop's contracts (which need the kit), built first", async () => {
    expect(runtimeWorkspaceOrder(await repoWorkspaces(), "services/api")).toEqual([
      "packages/service-kit",
      "packages/shop-contracts",
      "services/api",
    ]);
  });

  it("the card services also need the card package, the order's consumers the contracts; embedded-db is never shipped", async () => {
    const workspaces = await repoWorkspaces();
    expect(runtimeWorkspaceOrder(workspaces, "services/payments")).toEqual([
      "packages/payment-card",
      "packages/service-kit",
      "services/payments",
    ]);
    for (const service of ["services/checkout", "services/storefront"]) {
      expect(runtimeWorkspaceOrder(workspaces, service)).toEqual([
        "packages/payment-card",
        "packages/service-kit",
        "packages/shop-contracts",
        service,
      ]);
    }
  });

  it("orders transitive dependencies before their dependents", () => {
    const ws = (path: string, name: string, deps: string[] = []): Workspace => ({
      path,
      manifest: { name, dependencies: Object.fromEntries(deps.map((d) => [d, "*"])) } satisfies PackageManifest,
    });
    const workspaces = [ws("app", "app", ["b", "react"]), ws("b", "b", ["c"]), ws("c", "c")];
    expect(runtimeWorkspaceOrder(workspaces, "app")).toEqual(["c", "b", "app"]);
  });

  it("refuses an unknown workspace, naming the known ones, and a dependency cycle, naming it", () => {
    const a: Workspace = { path: "a", manifest: { name: "a", dependencies: { b: "*" } } };
    const b: Workspace = { path: "b", manifest: { name: "b", dependencies: { a: "*" } } };
    expect(() => runtimeWorkspaceOrder([a, b], "c")).toThrow(
      "c is not a workspace of this repository (workspaces: a, b)",
    );
    expect(() => runtimeWorkspaceOrder([a, b], "a")).toThrow("workspace dependency cycle: a → b → a");
  });
});
