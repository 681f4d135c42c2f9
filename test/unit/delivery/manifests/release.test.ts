import { describe, expect, it } from "vitest";
import { ReleaseError } from "../../../../src/delivery/errors.js";
import { dependencyOrder, parseRelease, renderRelease, toApiObject } from "../../../../src/delivery/manifests/index.js";
import { config, digestOf, release } from "./fixture.js";

/** The ReleaseError `fn` throws; fails the test if it throws nothing or something else. */
function releaseError(fn: () => unknown): ReleaseError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ReleaseError);
    return error as ReleaseError;
  }
  throw new Error("expected a ReleaseError, nothing was thrown");
}

describe("secrets", () => {
  // Values a real environment would hold; they must never reach a manifest, whatever is in process.env.
  const fakeSecrets = {
    DATABASE_URL: "postgres://shop:s3cr3t-pw-7f2a@db.internal:5432/shop",
    COOKIE_SECRET: "cookie-secret-value-0123456789abcdef0123",
    FINGERPRINT_SECRET: "fingerprint-secret-value-9c1e4b",
  };

  it("references every secret by name and never contains a value, even with the values in process.env", () => {
    const saved = { ...process.env };
    Object.assign(process.env, fakeSecrets);
    let json: string;
    try {
      json = ["dev", "staging", "prod"]
        .flatMap((env) => renderRelease(config, env, release()))
        .map((o) => JSON.stringify(toApiObject(o)))
        .join("\n");
    } finally {
      process.env = saved;
    }
    // The scan itself works: a plain env value of pipeline.yaml is found, so absence below means something.
    expect(json).toContain('"SANDBOX_SLOW_MS":"5000"');
    for (const [name, value] of Object.entries(fakeSecrets)) {
      expect(json, name).not.toContain(value);
    }
    for (const [name, svc] of Object.entries(config.services)) {
      for (const key of svc.secrets) {
        expect(json).toContain(`{"name":"${key}","valueFrom":{"secretKeyRef":{"name":"${name}-secrets","key":"${key}"`);
      }
    }
  });

  it("keeps secret names out of the ConfigMaps", () => {
    const maps = renderRelease(config, "dev", release()).filter((o) => o.kind === "ConfigMap");
    expect(maps).toHaveLength(Object.keys(config.services).length);
    for (const m of maps) {
      const data = (m as { data?: Record<string, string> }).data ?? {};
      expect(data).toMatchObject({ HOST: "0.0.0.0", SHUTDOWN_TIMEOUT_MS: "10000" });
      for (const key of Object.keys(fakeSecrets)) expect(data).not.toHaveProperty(key);
    }
  });
});

describe("release validation", () => {
  const good = digestOf("payments");

  it.each([
    ["a short digest", `127.0.0.1:5000/shop/payments@sha256:${"a".repeat(63)}`, "malformed_digest"],
    ["upper-case hex", `127.0.0.1:5000/shop/payments@sha256:${"A".repeat(64)}`, "malformed_digest"],
    ["another algorithm", `127.0.0.1:5000/shop/payments@md5:${"a".repeat(64)}`, "malformed_digest"],
    ["a tag only", "127.0.0.1:5000/shop/payments:v1", "malformed_digest"],
    ["a bad tag", `127.0.0.1:5000/shop/payments:-x@${good}`, "malformed_image"],
    ["another repository", `127.0.0.1:5000/other/payments@${good}`, "wrong_repository"],
    ["another service's image", `127.0.0.1:5000/shop/api@${good}`, "wrong_repository"],
  ])("rejects %s and names the service", (_what, image, reason) => {
    const error = releaseError(() => renderRelease(config, "dev", release({ payments: image })));
    expect(error.reason).toBe(reason);
    expect(error.service).toBe("payments");
    expect(error.message).toContain("service payments");
    expect(error.message).toContain(image);
  });

  it("accepts a digest with or without a tag, the registry port not being mistaken for a tag", () => {
    const parsed = parseRelease(config, release({ payments: `127.0.0.1:5000/shop/payments@${good}` }));
    expect(parsed.images.payments).toMatchObject({
      tag: undefined,
      digest: good,
      repository: "127.0.0.1:5000/shop/payments",
    });
    expect(parseRelease(config, release()).images.api?.tag).toBe("v1");
  });

  it("rejects an unknown service and a missing one, naming them", () => {
    const unknown = releaseError(() =>
      parseRelease(config, release({ inventory: `127.0.0.1:5000/shop/inventory@${good}` })),
    );
    expect(unknown).toMatchObject({ reason: "unknown_service", service: "inventory" });
    expect(unknown.message).toContain("inventory");
    const { checkout: _dropped, ...rest } = release().images;
    const missing = releaseError(() => renderRelease(config, "prod", { images: rest }));
    expect(missing).toMatchObject({ reason: "missing_service", service: "checkout" });
    expect(missing.message).toContain("checkout");
  });

  it("rejects an unknown environment and bad metadata", () => {
    const env = releaseError(() => renderRelease(config, "qa", release()));
    expect(env.reason).toBe("unknown_environment");
    expect(env.message).toContain('"qa"');
    expect(releaseError(() => parseRelease(config, { ...release(), gitSha: "not-a-sha" })).reason).toBe(
      "invalid_metadata",
    );
  });

  it("gives the same digests the same release id, and a changed digest a new one", () => {
    const a = parseRelease(config, release());
    expect(parseRelease(config, { images: release().images }).id).toBe(a.id);
    expect(parseRelease(config, release({ api: `127.0.0.1:5000/shop/api@${digestOf("api", "v2")}` })).id).not.toBe(
      a.id,
    );
  });

  it("restarts only the service whose digest changed", () => {
    const templates = (input: ReturnType<typeof release>) =>
      Object.fromEntries(
        renderRelease(config, "prod", input)
          .filter((o) => o.kind === "Deployment")
          .map((o) => [o.metadata?.name, JSON.stringify((o as { spec?: { template?: unknown } }).spec?.template)]),
      );
    const before = templates(release());
    const after = templates(release({ api: `127.0.0.1:5000/shop/api@${digestOf("api", "v2")}` }));
    const changed = Object.keys(before).filter((name) => before[name] !== after[name]);
    expect(changed).toEqual(["api"]);
  });
});

describe("dependencyOrder", () => {
  it("rolls callees before callers: api and payments, then checkout, then storefront", () => {
    expect(dependencyOrder(config)).toEqual(["api", "payments", "checkout", "storefront"]);
  });

  it("puts every service after everything it calls, for any declaration order", () => {
    const reversed = { services: Object.fromEntries(Object.entries(config.services).reverse()) };
    for (const cfg of [config, reversed]) {
      const order = dependencyOrder(cfg);
      expect(order.sort().length).toBe(4);
      const ordered = dependencyOrder(cfg);
      for (const [name, svc] of Object.entries(cfg.services)) {
        for (const callee of svc.calls) expect(ordered.indexOf(callee)).toBeLessThan(ordered.indexOf(name));
      }
    }
  });
});
