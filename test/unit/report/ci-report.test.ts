// ci's report read back as a CI server reads it: a JUnit case per step (the failed one with its command's output,
// hostile text intact), skipped steps with their reason, and the Markdown summary with the failed step's output in
// a code block that no backtick run inside can close.
import { describe, expect, it } from "vitest";
import { type CiRun, ciPassed, renderCiJunit, renderCiMarkdown } from "../../../src/report/ci.js";
import { parseJunit } from "./junit-document.js";

const HOSTILE_OUTPUT = [
  "$ npx vitest run",
  "exit code 1",
  "FAIL test/refund.test.ts > refund <total> & ```fenced``` | piped",
  "AssertionError: expected 42 to be 41",
].join("\n");

const failedRun: CiRun = {
  startedAt: "2026-12-07T10:00:00.000Z",
  totalMs: 93_500,
  note: "tests and images for the services affected since origin/main: payments",
  results: [
    { name: "lint", status: "passed", durationMs: 12_000 },
    { name: "test payments", status: "failed", durationMs: 40_250, output: HOSTILE_OUTPUT },
    { name: "build", status: "passed", durationMs: 50_000, detail: "1 image: payments" },
    { name: "integration", status: "skipped", durationMs: 0, detail: "an earlier step failed" },
  ],
};

describe("ci report", () => {
  it("JUnit: a case per step; the failed step fails with its output, the skipped one says why", () => {
    const parsed = parseJunit(renderCiJunit(failedRun));
    expect(parsed.name).toBe("ci");
    expect(parsed.totals).toEqual({ tests: 4, failures: 1, errors: 0, skipped: 1 });
    const [suite] = parsed.suites;
    expect(suite?.timestamp).toBe("2026-12-07T10:00:00.000Z");
    expect(suite?.properties.note).toBe(failedRun.note);
    const byName = Object.fromEntries((suite?.cases ?? []).map((c) => [c.name, c]));
    expect(byName.lint?.result).toEqual({ kind: "passed" });
    expect(byName.lint?.time).toBe(12);
    expect(byName["test payments"]?.result).toMatchObject({ kind: "failure", type: "StepFailed" });
    expect(byName["test payments"]?.output).toBe(HOSTILE_OUTPUT);
    expect(byName.build?.output).toBe("1 image: payments");
    expect(byName.integration?.result).toMatchObject({ kind: "skipped", message: "an earlier step failed" });
  });

  it("Markdown: the verdict names the failed step, the table has every step, the output is fenced whole", () => {
    const markdown = renderCiMarkdown(failedRun);
    expect(markdown.split("\n")[0]).toBe("### ❌ ci: FAILED at test payments (1m34s)");
    expect(markdown).toContain("| test payments | ❌ FAILED | 40.3s |  |");
    expect(markdown).toContain("| integration | ⏭️ skipped |  | an earlier step failed |");
    const fenceAt = markdown.indexOf("````\n$ npx vitest run");
    expect(fenceAt).toBeGreaterThan(0);
    expect(markdown.slice(fenceAt)).toContain(`${HOSTILE_OUTPUT}\n\`\`\`\`\n`);
  });

  it("a run whose steps all passed or were skipped has passed, and says so", () => {
    const passed: CiRun = { ...failedRun, results: failedRun.results.filter((r) => r.status !== "failed") };
    expect(ciPassed(passed)).toBe(true);
    expect(ciPassed(failedRun)).toBe(false);
    expect(renderCiMarkdown(passed).split("\n")[0]).toBe("### ✅ ci: passed (1m34s)");
    expect(parseJunit(renderCiJunit(passed)).totals).toEqual({ tests: 3, failures: 0, errors: 0, skipped: 1 });
  });
});
