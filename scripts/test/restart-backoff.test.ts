import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF, nextRestart, type RestartPlan } from "../lib/restart-backoff.js";

describe("nextRestart", () => {
  it("waits 0.5 s before the first restart and doubles while the service keeps dying, up to 10 s", () => {
    const plans: RestartPlan[] = [];
    let previous: RestartPlan | undefined;
    for (let crash = 0; crash < 8; crash++) {
      previous = nextRestart(previous, 1_000, DEFAULT_BACKOFF);
      plans.push(previous);
    }
    expect(plans.map((plan) => plan.delayMs)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
    expect(plans.map((plan) => plan.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("starts from 0.5 s and attempt 1 again once the service stayed up for 30 s", () => {
    const dying = { delayMs: 10_000, attempt: 7 };
    expect(nextRestart(dying, 29_999, DEFAULT_BACKOFF)).toEqual({ delayMs: 10_000, attempt: 8 });
    expect(nextRestart(dying, 30_000, DEFAULT_BACKOFF)).toEqual({ delayMs: 500, attempt: 1 });
  });

  it("follows the policy it is given", () => {
    const policy = { initialMs: 100, maxMs: 250, resetAfterMs: 5 };
    const first = nextRestart(undefined, 0, policy);
    const second = nextRestart(first, 0, policy);
    const third = nextRestart(second, 0, policy);
    expect([first, second, third].map((plan) => plan.delayMs)).toEqual([100, 200, 250]);
    expect(nextRestart(third, 5, policy)).toEqual({ delayMs: 100, attempt: 1 });
  });
});
