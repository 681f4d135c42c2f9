// pipeline.yaml's analysis.load: defaults, the safe ceiling (refused, naming the field and the ceiling), the
// commented example in pipeline.yaml, and the driver options derived from it.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type PipelineConfig, PipelineConfigError, parsePipelineConfig } from "../../../src/config/index.js";
import { LOAD_CEILING, syntheticLoadOptions } from "../../../src/delivery/load/index.js";

const real = readFileSync(fileURLToPath(new URL("../../../pipeline.yaml", import.meta.url)), "utf8");
const DEV = "  dev:\n    namespace: shop-dev\n";

/** The real pipeline.yaml with `analysis` (as YAML flow, i.e. JSON) added to dev. */
function withDevAnalysis(analysis: unknown): string {
  expect(real).toContain(DEV);
  return real.replace(DEV, `${DEV}    analysis: ${JSON.stringify(analysis)}\n`);
}

const config = (text: string): PipelineConfig => parsePipelineConfig(text, "pipeline.yaml");
const devLoad = (load: unknown) => config(withDevAnalysis({ load })).environments.dev.analysis?.load;

function problems(analysis: unknown): string {
  try {
    config(withDevAnalysis(analysis));
  } catch (error) {
    expect(error).toBeInstanceOf(PipelineConfigError);
    return (error as PipelineConfigError).message;
  }
  throw new Error("expected pipeline.yaml to be refused");
}

describe("environments[].analysis.load", () => {
  it("is absent unless written: an analysis without it sends no traffic", () => {
    expect(config(withDevAnalysis({ interval: "10s" })).environments.dev.analysis?.load).toBeUndefined();
  });

  it("load: {} takes the defaults: 5 requests/s for as long as the analysis, 2 shoppers, every fourth visit buys", () => {
    expect(devLoad({})).toEqual({
      rate: 5,
      duration: "analysis",
      concurrency: 2,
      mix: { catalogReads: 3, purchases: 1 },
    });
  });

  it("takes values up to and including the ceiling", () => {
    const atCeiling = { rate: 50, duration: "10m", concurrency: 16, mix: { catalogReads: 0, purchases: 1 } };
    expect(devLoad(atCeiling)).toEqual(atCeiling);
  });

  it.each([
    [{ rate: 51 }, "load.rate: must be at most 50 requests/s (the safe ceiling for synthetic load)"],
    [{ rate: 0 }, "load.rate: must be at least 1 request/s"],
    [{ rate: 2.5 }, "load.rate: must be a whole number"],
    [
      { concurrency: 17 },
      "load.concurrency: must be at most 16 shoppers at once (the safe ceiling for synthetic load)",
    ],
    [{ duration: "10m1s" }, "load.duration: must be at most 10m (the safe ceiling for synthetic load)"],
    [{ duration: "1h" }, "load.duration: must be at most 10m"],
    [{ duration: "500ms" }, "load.duration: must be at least 1s"],
    [{ duration: "forever" }, 'load.duration: must be "analysis" or a duration such as "30s"'],
    [{ mix: { catalogReads: 0, purchases: 0 } }, "load.mix: catalogReads and purchases cannot both be 0"],
    [{ mix: { purchases: -1 } }, "load.mix.purchases: must be at least 0"],
    [{ target: "http://shop.example.com" }, "load.target: unknown key"],
  ])("refuses %j naming the field and the ceiling", (load, message) => {
    expect(problems({ load })).toContain(`environments.dev.analysis.${message}`);
  });

  it('refuses duration "analysis" for an analysis that runs longer than the ceiling', () => {
    const text = problems({ interval: "2m", count: 5, initialDelay: "30s", load: { duration: "analysis" } });
    expect(text).toContain(
      'environments.dev.analysis.load.duration: is "analysis", which runs 630s here (initialDelay + count × interval), longer than the 10m ceiling for synthetic load',
    );
    // The same analysis is fine with a load of its own length, and at exactly the ceiling.
    expect(() =>
      config(withDevAnalysis({ interval: "2m", count: 5, initialDelay: "0s", load: { duration: "analysis" } })),
    ).not.toThrow();
  });

  it("the commented example in pipeline.yaml, uncommented, is valid and says what the defaults are", () => {
    const lines = real.split("\n");
    const start = lines.indexOf("  #   analysis:");
    expect(start).toBeGreaterThan(0);
    const block: string[] = [];
    for (const line of lines.slice(start)) {
      if (!line.startsWith("  #   ")) break; // the next commented block (scaling) starts at "  # "
      block.push(line.slice(4).replace(/\s+#.*$/, ""));
    }
    const uncommented = real.replace(DEV, `${DEV}${block.map((line) => `  ${line}`).join("\n")}\n`);
    const analysis = config(uncommented).environments.dev.analysis;
    expect(analysis?.load).toEqual({
      rate: 5,
      duration: "analysis",
      concurrency: 2,
      mix: { catalogReads: 3, purchases: 1 },
    });
  });
});

describe("syntheticLoadOptions", () => {
  const baseUrl = "http://127.0.0.1:3000";

  it('runs "analysis" up to the ceiling (the caller stops it when the analysis ends)', () => {
    const load = devLoad({ rate: 10 });
    if (!load) throw new Error("no load parsed");
    expect(syntheticLoadOptions(load, { baseUrl })).toEqual({
      baseUrl,
      ratePerSecond: 10,
      concurrency: 2,
      durationMs: LOAD_CEILING.durationMs,
      mix: { catalogReads: 3, purchases: 1 },
    });
  });

  it("turns a duration into milliseconds and passes the signal on", () => {
    const load = devLoad({ duration: "1m30s", concurrency: 4 });
    if (!load) throw new Error("no load parsed");
    const signal = new AbortController().signal;
    expect(syntheticLoadOptions(load, { baseUrl, signal })).toMatchObject({
      durationMs: 90_000,
      concurrency: 4,
      signal,
    });
  });
});
