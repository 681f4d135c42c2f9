import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../../src/cli/pipeline.js";

const realFile = fileURLToPath(new URL("../../../pipeline.yaml", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "pipeline-validate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process and collects what it writes. */
async function cli(...args: string[]) {
  let out = "";
  let err = "";
  const code = await run(args, { write: (text: string) => (out += text) }, { write: (text: string) => (err += text) });
  return { code, out, err };
}

describe("pipeline validate", () => {
  it("prints OK for the real file and exits 0", async () => {
    const { code, out } = await cli("validate", realFile);
    expect(code).toBe(0);
    expect(out).toContain("OK (4 services, environments dev, staging, prod)");
  });

  it("prints every issue as file:line:column and exits 1", async () => {
    const file = join(dir, "pipeline.yaml");
    writeFileSync(file, readFileSync(realFile, "utf8").replace("replicas: 2", "replicas: 0"));
    const { code, err } = await cli("validate", file);
    expect(code).toBe(1);
    // The temp dir has no services/, so the workspace paths are reported too.
    expect(err).toMatch(new RegExp(`${file}:\\d+:5 environments\\.staging\\.replicas: must be at least 1`));
    expect(err).toMatch(new RegExp(`${file}:\\d+:5 services\\.api\\.path: services/api is not a directory`));
  });

  it("rejects an unknown command with usage and exit 2", async () => {
    const { code, err } = await cli("deploy");
    expect(code).toBe(2);
    expect(err).toContain("Usage:");
  });
});
