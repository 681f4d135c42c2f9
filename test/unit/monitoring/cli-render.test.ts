import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../../src/cli/monitoring.js";

const realFile = fileURLToPath(new URL("../../../pipeline.yaml", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "monitoring-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  let out = "";
  let err = "";
  const code = await run(args, { write: (text: string) => (out += text) }, { write: (text: string) => (err += text) });
  return { code, out, err };
}

describe("monitoring render", () => {
  it("writes the rules, prometheus.yml and one dashboard per service plus the SLO overview, and names them", async () => {
    const out = join(dir, "assets");
    const result = await cli("render", "--out", out, "--config", realFile);
    expect(result.code).toBe(0);
    const written = result.out.trim().split("\n");
    expect(written).toHaveLength(2 + 4 + 1);
    for (const line of written) expect(existsSync(line.replace(/^wrote /, ""))).toBe(true);
    expect(readFileSync(join(out, "prometheus/prometheus.yml"), "utf8")).toContain("rule_files:\n  - shop.rules.yml");
  });

  it("asks for --out with the usage and exit 2", async () => {
    const { code, err } = await cli("render");
    expect(code).toBe(2);
    expect(err).toContain("render needs --out <dir>");
  });

  it("names a missing config file and how to fix it", async () => {
    const { code, err } = await cli("render", "--out", dir, "--config", join(dir, "nope.yaml"));
    expect(code).toBe(1);
    expect(err).toContain("nope.yaml not found: run from the repository root or pass --config <file>");
  });

  it("reports an invalid SLO with file, line and field", async () => {
    const file = join(dir, "pipeline.yaml");
    writeFileSync(file, readFileSync(realFile, "utf8").replace("availability: 0.999", "availability: 1.5"));
    const { code, err } = await cli("render", "--out", dir, "--config", file);
    expect(code).toBe(1);
    expect(err).toMatch(/pipeline\.yaml:\d+:\d+ environments\.prod\.slo\.availability: must be less than 1/);
  });
});
