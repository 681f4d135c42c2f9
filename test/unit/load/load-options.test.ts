// The driver's own boundary: options a caller builds by hand meet the same ceiling as pipeline.yaml, errors name
// the option, and a load against an address where nothing listens stops by itself.
import { freePort } from "@shop/embedded-db";
import { describe, expect, it } from "vitest";
import {
  LoadOptionsError,
  type LoadOptionsInput,
  runSyntheticLoad,
  startSyntheticLoad,
} from "../../../src/delivery/load/index.js";

const valid: LoadOptionsInput = {
  baseUrl: "http://127.0.0.1:9",
  ratePerSecond: 10,
  concurrency: 2,
  durationMs: 5_000,
  mix: { catalogReads: 3, purchases: 1 },
};

describe("synthetic load options", () => {
  it.each([
    [{ ratePerSecond: 51 }, "ratePerSecond: must be at most 50 (the safe ceiling)"],
    [{ concurrency: 17 }, "concurrency: must be at most 16 (the safe ceiling)"],
    [{ durationMs: 600_001 }, "durationMs: must be at most 600000 (10 minutes, the safe ceiling)"],
    [{ durationMs: 10 }, "durationMs: must be at least 1000"],
    [{ mix: { catalogReads: 0, purchases: 0 } }, "mix: catalogReads and purchases cannot both be 0"],
    [{ baseUrl: "http://127.0.0.1:3000/shop" }, "baseUrl: must be an http(s) origin"],
    [{ baseUrl: "file:///etc/passwd" }, "baseUrl: must be an http(s) origin"],
    [{ requestTimeoutMs: 1_500 }, "requestTimeoutMs: must be whole seconds"],
  ])("refuses %j before sending anything, naming the option", (change, message) => {
    const start = () => startSyntheticLoad({ ...valid, ...change });
    expect(start).toThrow(LoadOptionsError);
    expect(start).toThrow(`synthetic load: ${message}`);
  });

  it("has no default address: without a baseUrl nothing starts", () => {
    const { baseUrl: _, ...withoutUrl } = valid;
    expect(() => startSyntheticLoad(withoutUrl as LoadOptionsInput)).toThrow("synthetic load: baseUrl: must be a URL");
  });

  it("sends nothing when its signal has already fired", async () => {
    const summary = await runSyntheticLoad({ ...valid, signal: AbortSignal.abort() });
    expect(summary).toMatchObject({ stoppedBy: "aborted", requests: { sent: 0, answered: 0 } });
  });

  it("stops by itself when nothing listens at the address, and says so", async () => {
    const port = await freePort();
    const summary = await runSyntheticLoad({ ...valid, baseUrl: `http://127.0.0.1:${port}`, durationMs: 60_000 });
    expect(summary.stoppedBy).toBe("connection-errors");
    expect(summary.failures.connectionErrors).toBeGreaterThanOrEqual(50);
    expect(summary.requests.answered).toBe(0);
    expect(summary.purchases.completed).toBe(0);
    expect(Object.keys(summary.problems).some((text) => text.endsWith(": no answer"))).toBe(true);
  });
});
