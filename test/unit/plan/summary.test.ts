import { describe, expect, it } from "vitest";
import {
  CiFailedError,
  formatDuration,
  formatSummary,
  lastLines,
  type StepResult,
  skippedStep,
  testTally,
  timedStep,
} from "../../../src/plan/summary.js";

const clock =
  (...times: number[]) =>
  () =>
    times.shift() ?? 0;

describe("ci steps and their summary", () => {
  it("times a step that passes and keeps what it reported", async () => {
    const result = await timedStep("build", async () => ({ detail: "4 images" }), undefined, clock(1000, 4500));
    expect(result).toEqual({ name: "build", status: "passed", durationMs: 3500, detail: "4 images" });
  });

  it("turns a failing step into a result carrying the error's text instead of throwing", async () => {
    const result = await timedStep(
      "test",
      async () => {
        throw Object.assign(new Error("exit 1"), { stdout: "FAIL services/api/test/x.test.ts" });
      },
      (error) => `${(error as Error).message}\n${(error as { stdout: string }).stdout}`,
      clock(0, 2000),
    );
    expect(result).toMatchObject({ name: "test", status: "failed", durationMs: 2000 });
    expect(result.output).toBe("exit 1\nFAIL services/api/test/x.test.ts");
  });

  it("formats durations for people", () => {
    expect(formatDuration(860)).toBe("0.9s");
    expect(formatDuration(75_000)).toBe("1m15s");
    expect(formatDuration(3_605_000)).toBe("60m05s");
  });

  it("prints a table of what ran and how long it took, ending with the verdict", () => {
    const results: StepResult[] = [
      { name: "lint", status: "passed", durationMs: 1200 },
      { name: "integration", status: "passed", durationMs: 61_000, detail: "smoke: 7 checks passed" },
    ];
    expect(formatSummary(results, 62_500)).toBe(
      [
        "step         result   time",
        "lint         ok       1.2s",
        "integration  ok       1m01s    smoke: 7 checks passed",
        "ci: passed (2 steps, 1m03s)",
      ].join("\n"),
    );
  });

  it("names the failed step and carries its output after the summary; skipped steps say why", () => {
    const results: StepResult[] = [
      { name: "test", status: "failed", durationMs: 9000, output: "× api › creates a cart\nexpected 201, got 500" },
      { name: "build", status: "passed", durationMs: 5000 },
      skippedStep("integration", "an earlier step failed"),
    ];
    const error = new CiFailedError(results, 14_000);
    expect(error.failedSteps).toEqual(["test"]);
    expect(error.message).toContain("integration  skipped  -        an earlier step failed");
    expect(error.message).toContain("ci: FAILED at test (14.0s)");
    expect(error.message).toMatch(/── test failed ──\n× api › creates a cart\nexpected 201, got 500$/);
  });

  it("keeps the end of long output, where test runners print the failures", () => {
    const text = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join("\n");
    expect(lastLines(text, 3)).toBe("… 7 earlier lines cut\nline 8\nline 9\nline 10");
    expect(lastLines("a\nb\n", 3)).toBe("a\nb");
  });

  it("picks vitest's tally out of coloured output for the test step's line", () => {
    const output =
      "\u001b[2m Test Files \u001b[22m 3 passed (3)\n\u001b[2m      Tests \u001b[22m \u001b[32m41 passed\u001b[39m (41)\n";
    expect(testTally(output)).toBe("Tests 41 passed (41)");
    expect(testTally("no tally here")).toBeUndefined();
  });
});
