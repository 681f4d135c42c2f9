// A deliberately broken service: ci fails at that service's tests, with its test output, and nothing else fails;
// ci-report of the same source exports that failure as JUnit and Markdown instead of failing.
import { expect, test } from "vitest";
import { EcommerceDelivery } from "../../src/index.js";
import { CiFailedError } from "../../src/plan/summary.js";
import { parseJunit } from "../unit/report/junit-document.js";
import { hostSource, withDagger } from "./support/dagger.js";
import { cloneRepository, writeInClone } from "./support/repo-copy.js";

const BROKEN_TEST = `import { expect, test } from "vitest";

test("refund total is checked by the tier-3 breakage", () => {
  expect(40 + 2).toBe(41);
});
`;

test("a failing payments test fails ci at 'test payments' only, and the report carries vitest's output", async () => {
  const clone = cloneRepository();
  try {
    writeInClone(clone, "services/payments/test/tier3-deliberately-broken.test.ts", BROKEN_TEST);
    const { error, junit, markdown } = await withDagger(import.meta.filename, async () => {
      const pipeline = new EcommerceDelivery(hostSource(clone.dir));
      const error = await pipeline.ci().then(
        () => undefined,
        (failure: unknown) => failure,
      );
      const report = await pipeline.ciReport();
      return {
        error,
        junit: await report.file("ci.xml").contents(),
        markdown: await report.file("ci.md").contents(),
      };
    });
    expect(error).toBeInstanceOf(CiFailedError);
    const failure = error as CiFailedError;
    expect(failure.failedSteps).toEqual(["test payments"]);
    const passed = failure.results.filter((r) => r.status === "passed").map((r) => r.name);
    expect(passed).toEqual(
      expect.arrayContaining(["lint", "typecheck", "test api", "test checkout", "test storefront", "build"]),
    );
    expect(failure.message).toMatch(/── test payments failed ──/);
    expect(failure.message).toMatch(/refund total is checked by the tier-3 breakage/);
    expect(failure.message).toMatch(/expected 42 to be 41/);

    const cases = parseJunit(junit).suites.flatMap((suite) => suite.cases);
    const failed = cases.filter((c) => c.result.kind === "failure");
    expect(failed.map((c) => c.name)).toEqual(["test payments"]);
    expect(failed[0]?.output).toMatch(/expected 42 to be 41/);
    expect(cases.find((c) => c.name === "integration")?.result.kind).toBe("skipped");
    expect(markdown).toMatch(/^### ❌ ci: FAILED at test payments/);
    expect(markdown).toMatch(/refund total is checked by the tier-3 breakage/);
  } finally {
    clone.remove();
  }
});
