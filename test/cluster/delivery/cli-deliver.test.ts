// The deliver CLI, spawned as a user runs it: one-line errors with exit 1 for bad input and unreachable clusters,
// and a scale that works against the real cluster.

import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { imageName } from "../../../src/config/index.js";
import { applyObjects } from "../../../src/delivery/apply.js";
import { waitForRollout } from "../../../src/delivery/rollout-status.js";
import { closedPort, expectOneLineError, testEnvironment, writeUnreachableKubeconfig } from "./environment-fixture.js";
import { deleteNamespace, demoDeployment, readDeployment, testKubeConfig } from "./helpers.js";

const kubeConfig = testKubeConfig();
const { dir, config, namespaces, deliver } = testEnvironment("deliver-cli", ["dev"]);
const namespace = namespaces.dev ?? "";

afterAll(async () => {
  await deleteNamespace(kubeConfig, namespace);
});

describe("deliver CLI", () => {
  it("an unknown environment is a one-line error, exit 1", async () => {
    const run = await deliver(["scale", "--env", "qa", "--service", "api", "--replicas", "2"]);
    expectOneLineError(run, 'unknown environment "qa" (pipeline.yaml declares: dev, staging, prod)');
  });

  it("an unknown service is a one-line error, exit 1 (scale and rollback)", async () => {
    for (const command of [["scale", "--replicas", "2"], ["rollback"]]) {
      const run = await deliver([...command, "--env", "dev", "--service", "cart"]);
      expectOneLineError(run, 'unknown service "cart" (pipeline.yaml declares: storefront, api, checkout, payments)');
    }
  });

  it("an unknown environment in promote is a one-line error, exit 1", async () => {
    const run = await deliver(["promote", "--from", "qa", "--to", "prod", "--print"]);
    expectOneLineError(run, 'unknown environment "qa" (pipeline.yaml declares: dev, staging, prod)');
  });

  it("a missing kubeconfig file is a one-line error naming the path, exit 1", async () => {
    const missing = join(dir, "does-not-exist");
    const run = await deliver([
      "scale",
      "--env",
      "dev",
      "--service",
      "api",
      "--replicas",
      "2",
      "--kubeconfig",
      missing,
    ]);
    expectOneLineError(
      run,
      `kubeconfig not found at ${missing}: pass the path of an existing kubeconfig (or set KUBECONFIG)`,
    );
    // the same through $KUBECONFIG
    const viaEnv = await deliver(["rollback", "--env", "dev", "--service", "api"], { kubeconfig: missing });
    expectOneLineError(
      viaEnv,
      `kubeconfig not found at ${missing}: pass the path of an existing kubeconfig (or set KUBECONFIG)`,
    );
  });

  it("an unreachable API server (a freshly closed port) is a one-line error naming the server, exit 1", async () => {
    const server = `https://127.0.0.1:${await closedPort()}`;
    const file = writeUnreachableKubeconfig(dir, server);
    for (const args of [
      ["scale", "--env", "dev", "--service", "api", "--replicas", "2"],
      ["promote", "--from", "staging", "--to", "prod", "--print"],
    ]) {
      const run = await deliver(args, { kubeconfig: file });
      expectOneLineError(
        run,
        new RegExp(
          `^cannot reach the Kubernetes API server at ${server.replace(/\./g, "\\.")} \\(ECONNREFUSED.*\\): check that the cluster is running`,
        ),
      );
    }
  });

  it("deploy: a malformed digest, a foreign repository, an unknown service or environment are one-line errors, checked before the kubeconfig", async () => {
    const missing = { kubeconfig: join(dir, "not-needed") };
    const api = imageName(config.registry, "api");
    const digest = `sha256:${"a".repeat(64)}`;
    expectOneLineError(
      await deliver(["deploy", "--env", "dev", "--image", `api=${api}@sha256:1234`], missing),
      `service api: image "${api}@sha256:1234" has malformed digest "sha256:1234" (expected sha256: and 64 lowercase hex characters)`,
    );
    expectOneLineError(
      await deliver(["deploy", "--env", "dev", "--image", `api=${api}:v2`], missing),
      `service api: image "${api}:v2" is not pinned by digest (expected ${api}[:<tag>]@sha256:<64 hex>)`,
    );
    expectOneLineError(
      await deliver(["deploy", "--env", "dev", "--image", `api=docker.io/evil/api@${digest}`], missing),
      `service api: image "docker.io/evil/api@${digest}" is not from ${api} (expected ${api}[:<tag>]@sha256:<64 hex>; dev pulls from ${config.registry.host})`,
    );
    expectOneLineError(
      await deliver(["deploy", "--env", "dev", "--image", `cart=${api}@${digest}`], missing),
      "service cart: not declared in pipeline.yaml (services: storefront, api, checkout, payments)",
    );
    for (const command of [["deploy", "--image", `api=${api}@${digest}`], ["status"]]) {
      expectOneLineError(
        await deliver([...command, "--env", "qa"], missing),
        'unknown environment "qa" (pipeline.yaml declares: dev, staging, prod)',
      );
    }
    const usage = await deliver(["deploy", "--env", "dev", "--image", "api="]);
    expect(usage.code).toBe(2);
    expect(usage.stderr.split("\n")[0]).toBe(
      '--image "api=" must be <service>=<image reference>, or a reference to <registry>/.../<service>',
    );
  });

  it("a usage error exits 2", async () => {
    const run = await deliver(["scale", "--env", "dev"]);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe("missing --service");
    const notANumber = await deliver(["scale", "--env", "dev", "--service", "api", "--replicas", "x"]);
    expect(notANumber.code).toBe(2);
    expect(notANumber.stderr.split("\n")[0]).toBe('--replicas must be a whole number, got "x"');
  });

  it("scales a Deployment on the cluster and waits for it", async () => {
    await applyObjects([demoDeployment(namespace, "v1", { name: "api", replicas: 2, progressDeadlineSeconds: 60 })], {
      kubeConfig,
    });
    await waitForRollout(namespace, "api", { kubeConfig, timeoutMs: 60_000 });
    const run = await deliver(["scale", "--env", "dev", "--service", "api", "--replicas", "3"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("dev/api: scaled from 2 to 3 replicas\n");
    const d = await readDeployment(kubeConfig, namespace, "api");
    expect(d.status?.readyReplicas).toBe(3);
  });
});
