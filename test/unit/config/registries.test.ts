// Each environment names the registry it pulls from; publish pushes there and deploy's image check expects exactly
// that, so publishing to ghcr.io and deploying to an environment that pulls from ghcr.io is one path.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  environmentRegistry,
  imageName,
  type PipelineConfig,
  PipelineConfigError,
  parsePipelineConfig,
} from "../../../src/config/index.js";
import { ReleaseError } from "../../../src/delivery/errors.js";
import { parseRelease, parseReleaseImages } from "../../../src/delivery/manifests/index.js";
import { imageReference, publishRegistry } from "../../../src/plan/plan.js";

const real = readFileSync(fileURLToPath(new URL("../../../pipeline.yaml", import.meta.url)), "utf8");
const DIGEST = `sha256:${"a".repeat(64)}`;

/** The real pipeline.yaml with staging pulling from `registry` (a line added under its namespace). */
function withStagingRegistry(registry: string): string {
  const marker = "  staging:\n    namespace: shop-staging\n";
  expect(real).toContain(marker);
  return real.replace(marker, `${marker}    registry: ${registry}\n`);
}

const config = (text: string): PipelineConfig => parsePipelineConfig(text, "pipeline.yaml");

/** What publish prints for `service` when pushing to `registry`: `<name>:<tag>@<digest>`. */
const published = (c: PipelineConfig, registry: string, service: string) =>
  `${imageReference(imageName(c.registry, service, registry), "v1")}@${DIGEST}`;

describe("environments[].registry", () => {
  it("defaults to registry.host, and names a host with an optional port and path prefix", () => {
    const plain = config(real);
    expect(environmentRegistry(plain, "staging")).toBe("127.0.0.1:5000");
    const ghcr = config(withStagingRegistry("ghcr.io/acme"));
    expect(environmentRegistry(ghcr, "staging")).toBe("ghcr.io/acme");
    expect(environmentRegistry(ghcr, "prod")).toBe("127.0.0.1:5000");
    expect(environmentRegistry(config(withStagingRegistry("registry.internal:5443/team/ci")), "staging")).toBe(
      "registry.internal:5443/team/ci",
    );
  });

  it("refuses what is not a registry, naming the field", () => {
    for (const bad of ["https://ghcr.io/acme", "ghcr.io/Acme", "ghcr.io//acme", "-ghcr.io"]) {
      const error = (() => {
        try {
          config(withStagingRegistry(bad));
        } catch (e) {
          return e;
        }
      })();
      expect(error, bad).toBeInstanceOf(PipelineConfigError);
      expect((error as PipelineConfigError).message).toContain(
        "environments.staging.registry: must be a registry host",
      );
    }
  });
});

describe("publish and deploy agree on the registry", () => {
  const ghcr = config(withStagingRegistry("ghcr.io/acme"));
  const all = (registry: string) =>
    Object.fromEntries(Object.keys(ghcr.services).map((service) => [service, published(ghcr, registry, service)]));

  it("publish --env pushes where that environment pulls from; --registry alone where it says", () => {
    expect(publishRegistry(ghcr, { env: "staging" })).toBe("ghcr.io/acme");
    expect(publishRegistry(ghcr, { env: "prod" })).toBe("127.0.0.1:5000");
    expect(publishRegistry(ghcr, { registry: "ghcr.io/acme/" })).toBe("ghcr.io/acme");
    expect(publishRegistry(ghcr, {})).toBe("127.0.0.1:5000");
    expect(publishRegistry(ghcr, { registry: "ghcr.io/acme", env: "staging" })).toBe("ghcr.io/acme");
  });

  it("publish refuses --registry that is not where --env pulls from, and an unknown environment", () => {
    expect(() => publishRegistry(ghcr, { registry: "quay.io/acme", env: "staging" })).toThrow(
      "--registry quay.io/acme is not where staging pulls from (ghcr.io/acme, pipeline.yaml environments.staging.registry)",
    );
    expect(() => publishRegistry(ghcr, { env: "qa" })).toThrow('unknown environment "qa"');
  });

  it("what publish --registry=ghcr.io/acme printed deploys to the environment that pulls from ghcr.io/acme", () => {
    const release = parseRelease(ghcr, { images: all(publishRegistry(ghcr, { env: "staging" })) }, "staging");
    expect(release.images.api?.repository).toBe("ghcr.io/acme/shop/api");
  });

  it("and is refused as wrong_repository by an environment that pulls from elsewhere, which the message names", () => {
    const images = all("ghcr.io/acme");
    let error: unknown;
    try {
      parseReleaseImages(ghcr, { api: images.api as string }, "prod");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReleaseError);
    expect(error).toMatchObject({ reason: "wrong_repository", service: "api" });
    expect((error as Error).message).toMatch(/; prod pulls from 127\.0\.0\.1:5000\)$/);
    // and an image from the default registry is refused by staging, which pulls from ghcr.io
    expect(() => parseReleaseImages(ghcr, { api: published(ghcr, "127.0.0.1:5000", "api") }, "staging")).toThrow(
      "; staging pulls from ghcr.io/acme)",
    );
  });
});
