// Bad kubeconfigs and an unreachable API server each give a one-line error that says what to fix.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyObjects } from "../../../src/delivery/apply.js";
import { ApiUnreachableError, KubeconfigInvalidError, KubeconfigNotFoundError } from "../../../src/delivery/errors.js";
import { checkApiServer, loadKubeConfig } from "../../../src/delivery/kube.js";
import { waitForRollout } from "../../../src/delivery/rollout-status.js";
import { closedPort, writeUnreachableKubeconfig } from "./environment-fixture.js";
import { demoDeployment, testKubeConfig } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "delivery-kubeconfig-"));

const oneLine = (err: unknown) => {
  expect((err as Error).message).not.toContain("\n");
  return err as Error;
};

describe("kubeconfig and API server errors", () => {
  it("a missing kubeconfig names the path and what to pass", () => {
    const path = join(dir, "does-not-exist");
    const err = oneLine(
      (() => {
        try {
          loadKubeConfig(path);
        } catch (e) {
          return e;
        }
      })(),
    );
    expect(err).toBeInstanceOf(KubeconfigNotFoundError);
    expect(err.message).toBe(
      `kubeconfig not found at ${path}: pass the path of an existing kubeconfig (or set KUBECONFIG)`,
    );
  });

  it("an invalid kubeconfig says it is not usable and why", () => {
    const garbage = join(dir, "garbage");
    writeFileSync(garbage, "clusters: [unclosed\n  - : :\n");
    const noContext = join(dir, "no-context");
    writeFileSync(noContext, "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
    for (const [path, detail] of [
      [garbage, /kubeconfig .*garbage is not usable: .+; fix the file/],
      [noContext, /is not usable: it has no current-context; fix the file or point to another kubeconfig/],
    ] as const) {
      let caught: unknown;
      try {
        loadKubeConfig(path);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(KubeconfigInvalidError);
      expect(oneLine(caught).message).toMatch(detail);
    }
  });

  // Port 1 is on fetch's blocked-port list (undici refuses it without connecting); a freshly closed port
  // gives a real ECONNREFUSED.
  it.each([
    ["https://127.0.0.1:1", /bad port/],
    ["closed port", /ECONNREFUSED/],
  ])(
    "an unreachable API server (%s) says which server and what to check, for every operation",
    async (label, detail) => {
      const server = label === "closed port" ? `https://127.0.0.1:${await closedPort()}` : label;
      const kubeConfig = loadKubeConfig(writeUnreachableKubeconfig(dir, server));
      // requests that are safe to repeat retry an outage first: for 1 s here (30 s by default)
      const options = { kubeConfig, apiOutageToleranceMs: 1_000 };
      for (const attempt of [
        () => checkApiServer(kubeConfig),
        () => applyObjects([demoDeployment("nowhere", "v1")], options),
        () => waitForRollout("nowhere", "demo", { ...options, timeoutMs: 2_000 }),
      ]) {
        const err = oneLine(await attempt().catch((e: unknown) => e));
        if (process.env.DELIVERY_TEST_LOG) console.log(err.message);
        expect(err).toBeInstanceOf(ApiUnreachableError);
        expect(err.message).toBe(
          `cannot reach the Kubernetes API server at ${server} (${err.message.match(/\((.+?)\): check/)?.[1]}): check that the cluster is running and that the kubeconfig's server address is right`,
        );
        expect(err.message).toMatch(detail);
      }
    },
  );

  it("the test cluster's kubeconfig loads and its API server answers", async () => {
    expect(await checkApiServer(testKubeConfig())).toBe("v1.37.2");
  });
});
