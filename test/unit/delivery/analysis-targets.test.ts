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
    });
    expect(targets).toEqual([
      { service: "api", digest: d("1"), previousDigest: d("a") },
      { service: "checkout", digest: d("3"), previousDigest: d("c") },
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
    });
    expect(targets).toEqual([
      { service: "payments", digest: d("2"), previousDigest: d("9") },
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
    });
    expect(targets.map((t) => t.service)).toEqual(ORDER);
    expect(targets.find((t) => t.service === "checkout")?.previousDigest).toBe(d("8"));
    expect(targets.filter((t) => t.previousDigest !== undefined)).toHaveLength(1);
  });
});
