// Bad kubeconfigs and an unreachable API server each give a one-line error that says what to fix.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyObjects } from "../../../src/delivery/apply.js";
import {
  ApiUnreachableError,
  KubeconfigInvalidError,
  KubeconfigNotFoundError,
} from "../../../src/delivery/delivery-errors.js";
import { checkApiServer, loadKubeConfig } from "../../../src/delivery/kube.js";
import { waitForRollout } from "../../../src/delivery/rollout-status.js";
import { demoDeployment, testKubeConfig } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "delivery-kubeconfig-"));
const oneLine = (err: unknown) => {
  expect((err as Error).message).not.toContain("\n");
  return err as Error;
};

function unreachableKubeconfig(): string {
  const path = join(dir, "unreachable");
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters: [{name: nowhere, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
users: [{name: nobody, user: {token: x}}]
contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]
current-context: nowhere
`,
  );
  return path;
}

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

  it("an unreachable API server (127.0.0.1:1) says which server and what to check, for every operation", async () => {
    const kubeConfig = loadKubeConfig(unreachableKubeconfig());
    for (const attempt of [
      checkApiServer(kubeConfig),
      applyObjects([demoDeployment("nowhere", "v1")], { kubeConfig }),
      waitForRollout("nowhere", "demo", { kubeConfig, timeoutMs: 2_000 }),
    ]) {
      const err = oneLine(await attempt.catch((e: unknown) => e));
      expect(err).toBeInstanceOf(ApiUnreachableError);
      expect(err.message).toMatch(
        /^cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:1 \(.+\): check that the cluster is running and that the kubeconfig's server address is right$/,
      );
    }
  });

  it("the test cluster's kubeconfig loads and its API server answers", async () => {
    expect(await checkApiServer(testKubeConfig())).toBe("v1.37.2");
  });
});
