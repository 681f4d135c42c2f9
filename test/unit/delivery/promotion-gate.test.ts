// Whether a promotion may go ahead: the target's approval and the source's analysis verdict, decided from
// pipeline.yaml and a release record; and the promotion.analysisMaxAge field that bounds the verdict's age.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type PipelineConfig, PipelineConfigError, parsePipelineConfig } from "../../../src/config/index.js";
import { PromotionError } from "../../../src/delivery/errors.js";
import { analysisRefusal, promotionApproval } from "../../../src/delivery/promotion-gate.js";
import type { ReleaseAnalysis, ReleaseRecord } from "../../../src/delivery/release-records.js";

const real = readFileSync(fileURLToPath(new URL("../../../pipeline.yaml", import.meta.url)), "utf8");
const STAGING = "  staging:\n    namespace: shop-staging\n";
const PROD_PROMOTION = "    promotion: { from: staging, requiresApproval: true }\n";

/** The real pipeline.yaml, staging with an analysis block, prod with extra promotion fields. */
function config(prodPromotion = ""): PipelineConfig {
  expect(real).toContain(STAGING);
  expect(real).toContain(PROD_PROMOTION);
  const text = real
    .replace(STAGING, `${STAGING}    analysis: { interval: 10s, count: 6 }\n`)
    .replace(PROD_PROMOTION, `    promotion: { from: staging, requiresApproval: true${prodPromotion} }\n`);
  return parsePipelineConfig(text, "pipeline.yaml");
}

const NOW = Date.parse("2030-01-02T12:00:00.000Z");
const hoursAgo = (h: number) => new Date(NOW - h * 3_600_000).toISOString();
const d = (c: string) => `sha256:${c.repeat(64)}`;
const running = { storefront: d("1"), api: d("2"), checkout: d("3"), payments: d("4") };

function analysis(outcome: ReleaseAnalysis["outcome"], at: string): ReleaseAnalysis {
  return { outcome, verified: outcome === "Successful", at, message: `analysis ${outcome}: …`, services: {} };
}

function record(a: ReleaseAnalysis | undefined, digests: Record<string, string> = running): ReleaseRecord {
  return {
    id: "0123456789ab",
    images: {},
    digests,
    deployedAt: hoursAgo(30),
    ...(a ? { analysis: a } : {}),
  };
}

const refusal = (current: ReleaseRecord | undefined, c = config()) =>
  analysisRefusal({ config: c, from: "staging", to: "prod", current, running, now: NOW });

describe("promotionApproval", () => {
  it("refuses a promotion into an environment that requires approval when nobody approved, saying how to give it", () => {
    const c = config();
    const error = (() => {
      try {
        promotionApproval(c, "staging", "prod", undefined, NOW);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PromotionError);
    expect(error).toMatchObject({ reason: "approval_required" });
    expect((error as Error).message).toBe(
      "promoting staging to prod needs an approval (environments.prod.promotion.requiresApproval is true): run it again with --approve <who> (approvedBy) once someone has approved it",
    );
  });

  it("records who approved and when; an approval where none is required is recorded too, and none is no record", () => {
    const c = config();
    expect(promotionApproval(c, "staging", "prod", "  alice@example.com ", NOW)).toEqual({
      by: "alice@example.com",
      at: "2030-01-02T12:00:00.000Z",
    });
    expect(promotionApproval(c, "dev", "staging", "bob", NOW)?.by).toBe("bob");
    expect(promotionApproval(c, "dev", "staging", undefined, NOW)).toBeUndefined();
  });

  it("refuses an approver that is empty, too long or spans lines", () => {
    const c = config();
    for (const [who, why] of [
      ["  ", "is empty"],
      ["x".repeat(129), "is longer than 128 characters"],
      ["alice\nbob", "contains control characters"],
    ] as const) {
      expect(() => promotionApproval(c, "staging", "prod", who, NOW), JSON.stringify(who)).toThrow(
        `the approver (--approve) ${why}: give the name of who approved, e.g. --approve alice@example.com`,
      );
    }
  });
});

describe("analysisRefusal", () => {
  it("allows a Successful analysis of exactly the running digests within the default 24h", () => {
    expect(refusal(record(analysis("Successful", hoursAgo(23))))).toBeUndefined();
  });

  it("asks nothing of an environment without analysis", () => {
    const plain = parsePipelineConfig(real, "pipeline.yaml");
    expect(analysisRefusal({ config: plain, from: "staging", to: "prod", current: undefined, running, now: NOW })).toBe(
      undefined,
    );
  });

  it("refuses, naming the environment, the release and what is missing", () => {
    const cases: [ReleaseRecord | undefined, string][] = [
      [
        undefined,
        "cannot promote staging to prod: staging has analysis configured and no current release is recorded; deploy staging with --prometheus-url <url> first",
      ],
      [
        record(undefined),
        "cannot promote staging to prod: staging has analysis configured and its current release 0123456789ab has no analysis on record; analyse it with deliver analyze --env staging --prometheus-url <url> (Dagger: env analyze)",
      ],
      [
        record({ ...analysis("NotRun", hoursAgo(1)), message: "not analysed: no Prometheus URL" }),
        "cannot promote staging to prod: staging has analysis configured and its current release 0123456789ab was not analysed (not analysed: no Prometheus URL); analyse it with deliver analyze --env staging --prometheus-url <url> (Dagger: env analyze)",
      ],
      [
        record(analysis("Inconclusive", hoursAgo(1))),
        `cannot promote staging to prod: staging has analysis configured and its current release 0123456789ab's analysis at ${hoursAgo(1)} was Inconclusive (analysis Inconclusive: …); analyse it with deliver analyze --env staging --prometheus-url <url> (Dagger: env analyze)`,
      ],
      [
        record(analysis("Failed", hoursAgo(1))),
        `cannot promote staging to prod: staging has analysis configured and its current release 0123456789ab's analysis at ${hoursAgo(1)} was Failed (analysis Failed: …); deploy a fixed release to staging`,
      ],
      [
        record(analysis("Successful", hoursAgo(25))),
        `cannot promote staging to prod: staging has analysis configured and its current release 0123456789ab's Successful analysis at ${hoursAgo(25)} is older than environments.prod.promotion.analysisMaxAge (24h); analyse it with deliver analyze --env staging --prometheus-url <url> (Dagger: env analyze)`,
      ],
      [
        record(analysis("Successful", hoursAgo(1)), { ...running, checkout: d("9") }),
        `cannot promote staging to prod: staging has analysis configured and what it runs is not its current release 0123456789ab (checkout runs ${d("3")}, the release has ${d("9")}); deploy a release to staging and let it be analysed before promoting`,
      ],
    ];
    for (const [current, message] of cases) {
      const error = refusal(current);
      expect(error, message).toBeInstanceOf(PromotionError);
      expect(error?.reason).toBe("not_analysed");
      expect(error?.message).toBe(message);
    }
  });

  it("measures the age against the target's promotion.analysisMaxAge", () => {
    const strict = config(", analysisMaxAge: 30m");
    expect(strict.environments.prod.promotion.analysisMaxAge).toBe("30m");
    const fresh = new Date(NOW - 29 * 60_000).toISOString();
    const stale = new Date(NOW - 31 * 60_000).toISOString();
    expect(refusal(record(analysis("Successful", fresh)), strict)).toBeUndefined();
    expect(refusal(record(analysis("Successful", stale)), strict)?.message).toContain(
      "is older than environments.prod.promotion.analysisMaxAge (30m)",
    );
    expect(refusal(record(analysis("Successful", "not a time")))?.message).toContain("is older than");
  });
});

describe("promotion.analysisMaxAge in pipeline.yaml", () => {
  it("defaults to 24h", () => {
    expect(parsePipelineConfig(real, "pipeline.yaml").environments.prod.promotion.analysisMaxAge).toBe("24h");
  });

  it("refuses what is not a duration longer than 0, naming file, line and field", () => {
    for (const [value, message] of [
      ["1d", 'must be a duration such as "10s", "1m30s" or "500ms"'],
      ["0s", "must be longer than 0s (e.g. 24h)"],
      ["24", 'must be a duration such as "10s", "1m30s" or "500ms"'],
    ] as const) {
      const error = (() => {
        try {
          config(`, analysisMaxAge: "${value}"`);
        } catch (e) {
          return e;
        }
      })();
      expect(error, value).toBeInstanceOf(PipelineConfigError);
      expect((error as Error).message).toMatch(
        new RegExp(`pipeline\\.yaml:\\d+:\\d+ environments\\.prod\\.promotion\\.analysisMaxAge: ${literal(message)}`),
      );
    }
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
