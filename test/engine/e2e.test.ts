// endToEnd() runs the real-browser suite in a container with Debian's Chromium against PostgreSQL and every production
// image started as Dagger services; endToEndScreenshots() gives that run's screenshots.
import { expect, test } from "vitest";
import { EcommerceDelivery } from "../../src/index.js";
import { hostSource, withDagger } from "./support/dagger.js";

const STORIES = ["declined-card", "double-click-pay", "nul-in-search", "purchase", "sold-out", "without-javascript"];

test("e2e passes every story of test/e2e against the integration services and keeps a screenshot of each step", async () => {
  const { report, screenshots } = await withDagger(import.meta.filename, async () => {
    const pipeline = new EcommerceDelivery(hostSource());
    const [report, shots] = await Promise.all([pipeline.endToEnd(), pipeline.endToEndScreenshots()]);
    return { report, screenshots: await shots.glob("**/*.png") };
  });
  expect(report).toMatch(/Test Files\s+3 passed \(3\)/);
  expect(report).toMatch(/Tests\s+6 passed \(6\)/);
  expect(report).not.toMatch(/\bfailed\b/);
  expect([...new Set(screenshots.map((path) => path.split("/")[0]))].sort()).toEqual(STORIES);
  expect(screenshots.filter((path) => path.endsWith("-FAILED.png"))).toEqual([]);
  expect(screenshots.length).toBeGreaterThan(20);
});
