// perfGate(): the published images as the baseline, the source as the candidate, both shops and Prometheus as
// services on the engine, synthetic shoppers on both. The same code rebuilt passes; a checkout that answers 600 ms
// slower fails on the relative p99 check although dev's absolute SLO would let it through.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Directory } from "@dagger.io/dagger";
import { beforeAll, expect, test } from "vitest";
import { parseDocument } from "yaml";
import { EcommerceDelivery } from "../../src/index.js";
import { hostSource, REPO_ROOT, withDagger } from "./support/dagger.js";

/** dev's analysis made short: measured every 3 s, three times, after 6 s, over 9 s, with shoppers on both sides. */
function withShortAnalysis(source: Directory): Directory {
  const pipeline = parseDocument(readFileSync(join(REPO_ROOT, "pipeline.yaml"), "utf8"));
  pipeline.setIn(["environments", "dev", "analysis"], {
    interval: "3s",
    count: 3,
    initialDelay: "6s",
    window: "9s",
    load: { rate: 10, concurrency: 2, mix: { catalogReads: 1, purchases: 1 } },
  });
  return source.withNewFile("pipeline.yaml", pipeline.toString());
}

/**
 * checkout with every request 600 ms slower, from an onRequest hook inside its own Fastify (as the pods tier's
 * `slower` build adds it), imported first by its server.
 */
const SLOWER_REQUESTS = `import { subscribe } from "node:diagnostics_channel";
import { setTimeout as sleep } from "node:timers/promises";

type Hooked = { fastify: { addHook(name: "onRequest", hook: () => Promise<void>): void } };
subscribe("fastify.initialization", (message) => {
  (message as Hooked).fastify.addHook("onRequest", () => sleep(600));
});
`;

function withSlowerCheckout(source: Directory): Directory {
  const server = readFileSync(join(REPO_ROOT, "services/checkout/src/server.ts"), "utf8");
  return source
    .withNewFile("services/checkout/src/slower-requests.ts", SLOWER_REQUESTS)
    .withNewFile("services/checkout/src/server.ts", `import "./slower-requests.js";\n${server}`);
}

let baseline: string[] = [];

beforeAll(async () => {
  baseline = await withDagger(import.meta.filename, () =>
    new EcommerceDelivery(hostSource(), "24", "npm-cache", `tier3-perf-${process.pid}`).publish(),
  );
}, 20 * 60_000);

test(
  "a candidate rebuilt from the same source passes the perf gate against the published images",
  async () => {
    const verdict = await withDagger(import.meta.filename, () =>
      new EcommerceDelivery(withShortAnalysis(hostSource())).perfGate("dev", baseline),
    );
    expect(verdict).toMatch(/^analysis: Successful, verified at /m);
    for (const service of ["storefront", "api", "checkout", "payments"]) {
      expect(verdict).toMatch(new RegExp(`^  ${service} +Successful revision [0-9a-f]{12}`, "m"));
    }
  },
  20 * 60_000,
);

test(
  "a candidate whose checkout is 600 ms slower fails the perf gate on the relative p99 check",
  async () => {
    const failure = await withDagger(import.meta.filename, () =>
      new EcommerceDelivery(withSlowerCheckout(withShortAnalysis(hostSource()))).perfGate("dev", baseline),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    // Storefront calls checkout to place an order, so its p99 carries the same slowdown: whichever of the two the
    // analysis finds first fails the gate (the other is cancelled), each on its relative check.
    expect((failure as Error).message).toMatch(
      /perf gate Failed: analysis Failed: (checkout|storefront) revision [0-9a-f]{12}: latency-p99 Failed .*relative check: [\d.]+ is [\d.]+× previous revision/,
    );
  },
  20 * 60_000,
);
