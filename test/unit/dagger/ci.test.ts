// runCi's step plan with the container builders replaced by fakes that record what ran.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { runCi } from "../../../src/dagger/ci.js";
import type { Delivery } from "../../../src/dagger/context.js";
import { affectedSelection } from "../../../src/plan/selection.js";
import { CiFailedError } from "../../../src/plan/summary.js";
import { repoPlans } from "../this-repo.js";

const ran: string[] = [];
const failing = new Set<string>();
const fake = (name: string, output = "") => {
  const run = async () => {
    ran.push(name);
    if (failing.has(name)) throw new Error(`${name} broke`);
    return output;
  };
  return { sync: run, stdout: run };
};

vi.mock("../../../src/dagger/checks.js", () => ({
  lintContainer: () => fake("lint"),
  typecheckContainer: () => fake("typecheck"),
}));
vi.mock("../../../src/dagger/image.js", () => ({
  serviceTests: (_: unknown, plan: { name: string }) => fake(`test ${plan.name}`, " Tests  3 passed (3)\n"),
  serviceImage: (_: unknown, plan: { name: string }) => fake(`image ${plan.name}`),
}));
vi.mock("../../../src/dagger/integration.js", () => ({
  runIntegration: async () => {
    ran.push("integration");
    return "smoke: 7 checks passed\n";
  },
}));

const clock = () => 0;
async function delivery(): Promise<Delivery> {
  return { plans: await repoPlans() } as unknown as Delivery;
}

beforeEach(() => {
  ran.length = 0;
  failing.clear();
});

describe("ci with a selection", () => {
  it("without one: lint, typecheck, every service's tests and image, then integration", async () => {
    const summary = await runCi(await delivery(), undefined, clock);
    expect(ran.sort()).toEqual(
      [
        "lint",
        "typecheck",
        ...["storefront", "api", "checkout", "payments"].flatMap((s) => [`test ${s}`, `image ${s}`]),
        "integration",
      ].sort(),
    );
    expect(summary).toMatch(/^build\s+ok\s+0\.0s\s+4 images: storefront, api, checkout, payments$/m);
    expect(summary.startsWith("step")).toBe(true);
  });

  it("one affected service: its tests and image only, then integration (which starts every image itself)", async () => {
    const d = await delivery();
    const selection = affectedSelection(
      d.plans,
      { build: ["api"], retest: [], reasons: { api: ["services/api/src/app.ts changed"] }, unclassified: [] },
      "main",
    );
    const summary = await runCi(d, selection, clock);
    expect(ran.sort()).toEqual(["image api", "integration", "lint", "test api", "typecheck"]);
    expect(summary.split("\n").slice(0, 4)).toEqual([
      "affected since main:",
      "  api: build and test (services/api/src/app.ts changed)",
      "  not affected: storefront, checkout, payments",
      "",
    ]);
    expect(summary).toMatch(/^build\s+ok\s+0\.0s\s+1 image: api$/m);
    expect(summary).toMatch(/^ci: passed \(5 steps, 0\.0s\)$/m);
  });

  it("nothing affected: lint and typecheck only; build and integration are skipped with the reason", async () => {
    const d = await delivery();
    const empty = { build: [], retest: [], reasons: {}, unclassified: [] };
    const summary = await runCi(d, affectedSelection(d.plans, empty, "main"), clock);
    expect(ran.sort()).toEqual(["lint", "typecheck"]);
    expect(summary).toMatch(/^build\s+skipped\s+-\s+no service changed since main$/m);
    expect(summary).toMatch(/^integration\s+skipped\s+-\s+no service changed since main$/m);
  });

  it("a failed step skips integration, and the error keeps the selection at its top", async () => {
    failing.add("test api");
    const d = await delivery();
    const selection = affectedSelection(
      d.plans,
      { build: ["api"], retest: [], reasons: { api: ["services/api/src/app.ts changed"] }, unclassified: [] },
      "main",
    );
    const error = await runCi(d, selection, clock).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CiFailedError);
    expect((error as CiFailedError).failedSteps).toEqual(["test api"]);
    expect((error as Error).message.startsWith("affected since main:\n  api: build and test")).toBe(true);
    expect((error as Error).message).toMatch(/^integration\s+skipped\s+-\s+an earlier step failed$/m);
    expect(ran).not.toContain("integration");
  });
});
