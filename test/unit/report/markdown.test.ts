// The Markdown summary as GitHub shows it: the verdict first, the measurements beside their thresholds in one table,
// what was rolled back and why, and text from outside unable to break a table or inject HTML.
import { describe, expect, it } from "vitest";
import { deliveryReport } from "../../../src/report/build.js";
import { code, md, renderMarkdown } from "../../../src/report/markdown.js";
import type { DeliveryReport } from "../../../src/report/types.js";
import { analysisFailureError, stagingDeploy } from "./fixture.js";

function analysisFailure(): string {
  return renderMarkdown(deliveryReport(stagingDeploy(), { kind: "failed", error: analysisFailureError() }));
}

/** The rows of the table under `heading`, split into cells the way GitHub does (an escaped \| stays in its cell). */
function tableUnder(markdown: string, heading: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.startsWith(heading));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows = lines
    .slice(start + 1)
    .filter((line, i, all) => line.startsWith("|") && all.slice(0, i).every((l) => !l.startsWith("####")));
  return rows.map((row) =>
    row
      .slice(2, -2)
      .split(/(?<!\\) \| /)
      .map((cell) => cell.trim()),
  );
}

describe("Markdown summary", () => {
  it("a release that failed its analysis: verdict, why, rollout, measurements against thresholds, rollback", () => {
    const markdown = analysisFailure();
    expect(markdown.split("\n")[0]).toBe("### ❌ deliver deploy staging: FAILED");
    expect(markdown).toContain("- **release:** `r-20261207-abc`");
    expect(markdown).toContain("- **started:** 2026-12-07T10:00:00.000Z (took 90.5 s)");
    expect(markdown).toContain(
      "**Why it failed:** release r-20261207-abc to staging (shop-staging) failed at checkout",
    );
    const analysis = tableUnder(markdown, "#### Analysis: ❌ Failed, not verified");
    expect(analysis[0]).toEqual(["service", "revision", "metric", "result", "measured", "threshold"]);
    expect(analysis).toContainEqual([
      "checkout",
      "`cccccccccccc` vs `222222222222`",
      "error-ratio",
      "❌ Failed",
      "measured \\[0.2\\] after 1 measurement: result \\[0.2\\] did not meet successCondition result &lt;= 0.01",
      "pass when result &lt;= 0.01",
    ]);
    expect(analysis).toContainEqual([
      "checkout",
      "`cccccccccccc` vs `222222222222`",
      "latency-p99",
      "✅ Successful",
      "measured \\[120, NaN or ±Inf\\] after 1 measurement",
      "pass when result &lt;= 500; at most 1.2× the previous revision",
    ]);
    expect(tableUnder(markdown, "#### Rollout")).toContainEqual(["checkout", "rolled back", "its analysis failed"]);
    expect(markdown).toContain(
      "#### Rolled back\n\n- **services:** checkout, api\n- **why:** analysis Failed: checkout",
    );
    expect(markdown.endsWith("\n")).toBe(true);
  });

  it("a succeeded promotion: who approved it and where it came from", () => {
    const report: DeliveryReport = {
      command: "promote",
      env: "prod",
      outcome: "succeeded",
      startedAt: "2026-12-07T10:00:00.000Z",
      durationMs: 1200,
      releaseId: "r2",
      promotedFrom: { env: "staging", release: "r1" },
      approval: { by: "jane@example.com", at: "2026-12-07T09:59:00.000Z" },
      images: [],
      rollouts: [],
    };
    const markdown = renderMarkdown(report);
    expect(markdown.split("\n")[0]).toBe("### ✅ deliver promote staging to prod: succeeded");
    expect(markdown).toContain("- **promoted from:** staging (release `r1`)");
    expect(markdown).toContain("- **approved by:** jane@example.com at 2026-12-07T09:59:00.000Z");
    expect(markdown).not.toContain("Why");
  });

  it("text from outside cannot add a cell, a link, an image or HTML", () => {
    const hostile = "a | b <script>alert(1)</script> [link](http://x) ![i](y) *bold* `tick`\nnext";
    const report: DeliveryReport = {
      command: "deploy",
      env: "staging",
      outcome: "failed",
      startedAt: "t",
      durationMs: 0,
      images: [{ service: "api", image: "reg/x@sha256:1|2`3" }],
      rollouts: [{ service: "api", outcome: "failed", detail: hostile }],
      error: { type: "Error", message: hostile },
    };
    const markdown = renderMarkdown(report);
    expect(markdown).not.toContain("<script>");
    expect(markdown).not.toMatch(/(?<!\\)\[link\]/);
    const rollout = tableUnder(markdown, "#### Rollout");
    expect(rollout[2]).toHaveLength(3);
    expect(rollout[2]?.[2]).toBe(
      "a \\| b &lt;script&gt;alert(1)&lt;/script&gt; \\[link\\](http://x) !\\[i\\](y) \\*bold\\* \\`tick\\`<br>next",
    );
    const images = tableUnder(markdown, "#### Images");
    expect(images[2]).toEqual(["api", "``reg/x@sha256:1\\|2`3``", ""]);
  });

  it("md and code: backslashes and entities survive, a code span outlasts the backticks inside it", () => {
    expect(md("C:\\path &amp; #1 ~x~ _y_")).toBe("C:\\\\path &amp;amp; \\#1 \\~x\\~ \\_y\\_");
    expect(code("plain")).toBe("`plain`");
    expect(code("a``b")).toBe("```a``b```");
    expect(code("`edge`")).toBe("`` `edge` ``");
    expect(md("esc\u001b")).toBe("esc\\\\u001b");
  });
});
