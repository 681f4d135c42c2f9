import { describe, expect, it } from "vitest";
import type { AffectedServices } from "../../../src/affected/index.js";
import { affectedSelection, describeAffected, fullSelection } from "../../../src/plan/selection.js";
import { formatSummary, type StepResult } from "../../../src/plan/summary.js";
import { repoPlans } from "../this-repo.js";

const nothing: AffectedServices = { build: [], retest: [], reasons: {}, unclassified: [] };

const paymentsChanged: AffectedServices = {
  build: ["payments"],
  retest: ["checkout", "storefront"],
  reasons: {
    checkout: ["calls payments, which is rebuilt"],
    payments: ["services/payments/src/app.ts changed"],
    storefront: ["calls checkout, which is retested"],
  },
  unclassified: [],
};

const names = (selection: { services: readonly { name: string }[] }) => selection.services.map((p) => p.name);

describe("what ci covers with and without --base", () => {
  it("without a base: every service's tests and image, and integration", async () => {
    const selection = fullSelection(await repoPlans());
    expect(names(selection)).toEqual(["storefront", "api", "checkout", "payments"]);
    expect(selection).toMatchObject({ integration: true });
    expect(selection.note).toBeUndefined();
  });

  it("a one-service change: only that service's tests and image, integration for its callers", async () => {
    const selection = affectedSelection(await repoPlans(), paymentsChanged, "origin/main");
    expect(names(selection)).toEqual(["payments"]);
    expect(selection.integration).toBe(true);
    expect(selection.note).toBe(
      [
        "affected since origin/main:",
        "  storefront: integration only (calls checkout, which is retested)",
        "  checkout: integration only (calls payments, which is rebuilt)",
        "  payments: build and test (services/payments/src/app.ts changed)",
        "  not affected: api",
      ].join("\n"),
    );
  });

  it("a shared change keeps plan order and joins each service's reasons", async () => {
    const affected: AffectedServices = {
      build: ["api", "checkout"],
      retest: [],
      reasons: {
        api: ["package-lock.json changed (affects every service)"],
        checkout: ["package-lock.json changed (affects every service)", "services/checkout/src/app.ts changed"],
      },
      unclassified: [],
    };
    const selection = affectedSelection(await repoPlans(), affected, "v1.2.0");
    expect(names(selection)).toEqual(["api", "checkout"]);
    expect(selection.note).toContain(
      "  checkout: build and test (package-lock.json changed (affects every service); services/checkout/src/app.ts changed)",
    );
    expect(selection.note).toContain("  not affected: storefront, payments");
  });

  it("nothing affected: no tests, images or integration, and the summary says so and why", async () => {
    const affected = { ...nothing, unclassified: ["a.ts", "b.ts", "c.ts", "d.ts", "e.ts", "f.ts", "g.ts"] };
    const selection = affectedSelection(await repoPlans(), affected, "main");
    expect(selection).toMatchObject({ services: [], integration: false, idleReason: "no service changed since main" });
    expect(selection.note).toBe(
      [
        "affected since main:",
        "  no service: only lint and typecheck run",
        "  changed outside every service: a.ts, b.ts, c.ts, d.ts, e.ts and 2 more",
      ].join("\n"),
    );
  });

  it("the summary opens with the selection before the table of steps", async () => {
    const note = describeAffected(await repoPlans(), nothing, "main");
    const results: StepResult[] = [
      { name: "lint", status: "passed", durationMs: 1000 },
      { name: "build", status: "skipped", durationMs: 0, detail: "no service changed since main" },
    ];
    expect(formatSummary(results, 1000, note)).toBe(
      [
        "affected since main:",
        "  no service: only lint and typecheck run",
        "",
        "step   result   time",
        "lint   ok       1.0s",
        "build  skipped  -        no service changed since main",
        "ci: passed (2 steps, 1.0s)",
      ].join("\n"),
    );
  });
});
