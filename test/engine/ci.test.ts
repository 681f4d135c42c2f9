// ci(): the whole pipeline passes on this repository, and a second run with nothing changed is served from the
// engine's cache: a test step's output (which carries vitest's start time and duration) comes back byte for byte.
import { stripVTControlCharacters } from "node:util";
import { expect, test } from "vitest";
import { EcommerceDelivery } from "../../src/index.js";
import { hostSource, withDagger } from "./support/dagger.js";

test("ci passes, and a second ci with no change replays the cached test runs", async () => {
  const run = () =>
    withDagger(import.meta.filename, async () => {
      const pipeline = new EcommerceDelivery(hostSource());
      const started = Date.now();
      const summary = await pipeline.ci();
      const seconds = (Date.now() - started) / 1000;
      return { summary, seconds, paymentsTests: await pipeline.test("payments") };
    });
  const first = await run();
  const second = await run();
  console.log(`ci: first ${first.seconds.toFixed(1)} s, second ${second.seconds.toFixed(1)} s\n${first.summary}`);
  for (const { summary } of [first, second]) {
    expect(summary).toMatch(/^ci: passed \(\d+ steps/m);
    for (const step of [
      "lint",
      "typecheck",
      "test api",
      "test checkout",
      "test payments",
      "test storefront",
      "build",
      "integration",
    ]) {
      expect(summary).toMatch(new RegExp(`^${step}\\s+ok`, "m"));
    }
  }
  expect(second.paymentsTests).toEqual(first.paymentsTests);
  // The suite runs with CI=true, so vitest colours its output.
  expect(stripVTControlCharacters(first.paymentsTests)).toMatch(/Start at\s+\d\d:\d\d:\d\d/);
});
