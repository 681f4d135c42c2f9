// build(): every service's production image, started as a Dagger service with the integration wiring, answers its
// health and readiness paths, runs as the unprivileged node user and carries the OCI labels.
import { dag } from "@dagger.io/dagger";
import { expect, test } from "vitest";
import { loadDelivery } from "../../src/dagger/context.js";
import { shopServices } from "../../src/dagger/integration.js";
import { EcommerceDelivery } from "../../src/index.js";
import { hostSource, withDagger } from "./support/dagger.js";

const REVISION = "tier3-images";
const SOURCE_URL = "https://example.invalid/acme/shop";

test("build gives one image per service: user node, uid 1000, OCI labels, healthcheck port exposed", async () => {
  const facts = await withDagger(import.meta.filename, async () => {
    const pipeline = new EcommerceDelivery(hostSource(), "24", "npm-cache", REVISION, SOURCE_URL);
    const images = await pipeline.build();
    return Promise.all(
      images.map(async (image) => ({
        title: await image.label("org.opencontainers.image.title"),
        revision: await image.label("org.opencontainers.image.revision"),
        source: await image.label("org.opencontainers.image.source"),
        version: await image.label("org.opencontainers.image.version"),
        user: await image.user(),
        uid: (await image.withExec(["id", "-u"]).stdout()).trim(),
        ports: await Promise.all((await image.exposedPorts()).map((port) => port.port())),
      })),
    );
  });
  expect(facts.map((f) => f.title).sort()).toEqual([
    "@shop/api",
    "@shop/checkout",
    "@shop/payments",
    "@shop/storefront",
  ]);
  for (const image of facts) {
    expect(image).toMatchObject({ revision: REVISION, source: SOURCE_URL, user: "node", uid: "1000" });
    expect(image.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(image.ports).toHaveLength(1);
  }
});

test("each image started as a service answers /healthz and /readyz (PostgreSQL and its callees bound)", async () => {
  const answers = await withDagger(import.meta.filename, async () => {
    const delivery = await loadDelivery({
      source: hostSource(),
      nodeVersion: "24",
      npmCache: "npm-cache",
      revision: "",
      sourceUrl: "",
    });
    const services = shopServices(delivery);
    let probe = dag.container().from("node:24-bookworm-slim");
    const urls: string[] = [];
    for (const plan of delivery.plans) {
      const service = services[plan.name];
      if (!service) throw new Error(`no service for ${plan.name}`);
      probe = probe.withServiceBinding(plan.name, service);
      urls.push(`http://${plan.name}:${plan.port}/healthz`, `http://${plan.name}:${plan.port}/readyz`);
    }
    const script = `for (const url of ${JSON.stringify(urls)}) { const r = await fetch(url); console.log(url, r.status); }`;
    return probe.withExec(["node", "--input-type=module", "-e", script]).stdout();
  });
  const lines = answers.trim().split("\n");
  expect(lines).toHaveLength(8);
  for (const line of lines) expect(line).toMatch(/ 200$/);
});
