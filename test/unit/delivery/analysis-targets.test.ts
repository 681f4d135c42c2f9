// Which services a deploy judges and which revision each is compared with.
import { describe, expect, it } from "vitest";
import { analysisTargets } from "../../../src/delivery/release-analysis.js";
import type { ReleaseRecord } from "../../../src/delivery/release-records.js";

const ORDER = ["api", "payments", "checkout", "storefront"];
const d = (c: string) => `sha256:${c.repeat(64)}`;
const release = { api: d("1"), payments: d("2"), checkout: d("3"), storefront: d("4") };

function record(digests: Record<string, string>): ReleaseRecord {
  return { id: "0123456789ab", images: {}, digests, deployedAt: "2030-01-01T00:00:00.000Z" };
}

describe("analysisTargets", () => {
  it("judges the services the release changed, in dependency order, each against what its Deployment ran before", () => {
    const targets = analysisTargets({
      order: ORDER,
      digests: release,
      changed: ["checkout", "api"],
      before: { api: d("a"), checkout: d("c") },
      replaced: record({ api: d("e"), checkout: d("f") }),
      rolloutStartedAt: { api: 1000, checkout: 2000 },
    });
    expect(targets).toEqual([
      { service: "api", digest: d("1"), previousDigest: d("a"), baselineAt: [1000] },
      { service: "checkout", digest: d("3"), previousDigest: d("c"), baselineAt: [2000] },
    ]);
  });

  it("falls back to the replaced release's digest, and compares with nothing when that is the same digest", () => {
    const targets = analysisTargets({
      order: ORDER,
      digests: release,
      // checkout changed only its configuration (same digest); payments ran an unpinned image before
      changed: ["payments", "checkout"],
      before: { payments: undefined, checkout: d("3") },
      replaced: record({ payments: d("9"), checkout: d("3") }),
      rolloutStartedAt: { payments: 1000, checkout: 2000 },
    });
    expect(targets).toEqual([
      { service: "payments", digest: d("2"), previousDigest: d("9"), baselineAt: [1000] },
      { service: "checkout", digest: d("3") },
    ]);
  });

  it("judges every service when the same release is deployed again (nothing changed), against the release before it", () => {
    const targets = analysisTargets({
      order: ORDER,
      digests: release,
      changed: [],
      before: { api: d("1"), payments: d("2"), checkout: d("3"), storefront: d("4") },
      replaced: record({ api: d("1"), payments: d("2"), checkout: d("8"), storefront: d("4") }),
      rolloutStartedAt: {},
    });
    expect(targets.map((t) => t.service)).toEqual(ORDER);
    expect(targets.find((t) => t.service === "checkout")?.previousDigest).toBe(d("8"));
    expect(targets.filter((t) => t.previousDigest !== undefined)).toHaveLength(1);
  });

  it("measures the previous digest before its rollout began, then during its own Successful analysis on record", () => {
    const analysedAt = "2030-01-01T00:05:00.000Z";
    const analysis = (revision: string, phase: "Successful" | "Failed") => ({
      revision,
      phase,
      message: "",
      metrics: [],
    });
    const replaced: ReleaseRecord = {
      ...record({ api: d("e"), checkout: d("f") }),
      analysis: {
        outcome: "Failed",
        verified: false,
        at: analysedAt,
        message: "",
        services: { api: analysis("eeeeeeeeeeee", "Successful"), checkout: analysis("ffffffffffff", "Failed") },
      },
    };
    const targets = analysisTargets({
      order: ORDER,
      digests: release,
      changed: ["api", "checkout"],
      before: {},
      replaced,
      rolloutStartedAt: { api: 1000, checkout: 2000 },
    });
    // checkout's recorded analysis Failed: its time is no baseline worth comparing with
    expect(targets.map((t) => t.baselineAt)).toEqual([[1000, Date.parse(analysedAt)], [2000]]);
  });
});
