// publish(): pushes every image to a registry and returns references with digests; each digest can be pulled.
import { randomUUID } from "node:crypto";
import { dag } from "@dagger.io/dagger";
import { expect, test } from "vitest";
import { EcommerceDelivery } from "../../src/index.js";
import { hostSource, withDagger } from "./support/dagger.js";

const REGISTRY = "127.0.0.1:5000/tier3";

test("publish pushes four images to the local registry and every returned digest pulls back", async () => {
  const tag = `t3-${randomUUID().slice(0, 8)}`;
  const { references, pulled } = await withDagger(import.meta.filename, async () => {
    const pipeline = new EcommerceDelivery(hostSource(), "24", "npm-cache", tag);
    const references = await pipeline.publish(REGISTRY);
    const pulled = await Promise.all(
      references.map((reference) => dag.container().from(reference).label("org.opencontainers.image.revision")),
    );
    return { references, pulled };
  });
  expect(references).toHaveLength(4);
  for (const reference of references) {
    expect(reference).toMatch(new RegExp(`^${REGISTRY}/shop/[a-z]+:${tag}@sha256:[0-9a-f]{64}$`));
  }
  expect(pulled).toEqual([tag, tag, tag, tag]);
  const manifests = await Promise.all(
    references.map(async (reference) => {
      const [name, digest] = reference.split("@") as [string, string];
      const repository = name.slice(name.indexOf("/") + 1, name.lastIndexOf(":"));
      return (
        await fetch(`http://127.0.0.1:5000/v2/${repository}/manifests/${digest}`, {
          method: "HEAD",
          headers: {
            accept:
              "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json",
          },
        })
      ).status;
    }),
  );
  expect(manifests).toEqual([200, 200, 200, 200]);
});
