// The deliver CLI, spawned as a user runs it: one-line errors with exit 1 for bad input and unreachable clusters,
// and a scale that works against the real cluster.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, inject, it } from "vitest";
import { applyObjects } from "../../../src/delivery/apply.js";
import { waitForRollout } from "../../../src/delivery/rollout-status.js";
import { deleteNamespace, demoDeployment, readDeployment, testKubeConfig, uniqueNamespace } from "./helpers.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "deliver-cli-"));
const kubeConfig = testKubeConfig();
const kubeconfigFile = join(dir, "kubeconfig");
writeFileSync(kubeconfigFile, readFileSync(inject("kubeconfig"), "utf8"));
const namespace = uniqueNamespace("deliver-cli");
// a copy of pipeline.yaml whose dev environment lives in this test's namespace
const configFile = join(dir, "pipeline.yaml");
writeFileSync(
  configFile,
  readFileSync(join(root, "pipeline.yaml"), "utf8").replace("namespace: shop-dev", `namespace: ${namespace}`),
);

afterAll(async () => {
  await deleteNamespace(kubeConfig, namespace);
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function deliver(args: string[], kubeconfig = kubeconfigFile): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "src/cli/deliver.ts", ...args],
      { cwd: root, env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number | string }).code as number | null) : 0;
        resolve({ code: typeof code === "number" ? code : null, stdout, stderr });
      },
    );
  });
}

function expectOneLineError(run: Run, pattern: RegExp | string): void {
  expect(run.code, run.stderr).toBe(1);
  const lines = run.stderr.split("\n").filter(Boolean);
  expect(lines, run.stderr).toHaveLength(1);
  if (typeof pattern === "string") expect(lines[0]).toBe(pattern);
  else expect(lines[0]).toMatch(pattern);
  expect(run.stdout).toBe("");
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

describe("deliver CLI", () => {
  it("an unknown environment is a one-line error, exit 1", async () => {
    const run = await deliver(["scale", "--env", "qa", "--service", "api", "--replicas", "2", "--config", configFile]);
    expectOneLineError(run, 'unknown environment "qa" (--env): pipeline.yaml declares dev, staging, prod');
  });

  it("an unknown service is a one-line error, exit 1 (scale and rollback)", async () => {
    for (const command of [["scale", "--replicas", "2"], ["rollback"]]) {
      const run = await deliver([...command, "--env", "dev", "--service", "cart", "--config", configFile]);
      expectOneLineError(
        run,
        'unknown service "cart" (--service): pipeline.yaml declares storefront, api, checkout, payments',
      );
    }
  });

  it("an unknown environment in promote is a one-line error, exit 1", async () => {
    const run = await deliver(["promote", "--from", "qa", "--to", "prod", "--print", "--config", configFile]);
    expectOneLineError(run, 'unknown environment "qa" (pipeline.yaml declares: dev, staging, prod)');
  });

  it("a missing kubeconfig file is a one-line error naming the path, exit 1", async () => {
    const missing = join(dir, "does-not-exist");
    const run = await deliver(
      ["scale", "--env", "dev", "--service", "api", "--replicas", "2", "--config", configFile, "--kubeconfig", missing],
      kubeconfigFile,
    );
    expectOneLineError(
      run,
      `kubeconfig not found at ${missing}: pass the path of an existing kubeconfig (or set KUBECONFIG)`,
    );
    // the same through $KUBECONFIG
    const viaEnv = await deliver(["rollback", "--env", "dev", "--service", "api", "--config", configFile], missing);
    expectOneLineError(
      viaEnv,
      `kubeconfig not found at ${missing}: pass the path of an existing kubeconfig (or set KUBECONFIG)`,
    );
  });

  it("an unreachable API server (a freshly closed port) is a one-line error naming the server, exit 1", async () => {
    const server = `https://127.0.0.1:${await closedPort()}`;
    const file = join(dir, "unreachable");
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters: [{name: nowhere, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]
users: [{name: nobody, user: {token: x}}]
contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]
current-context: nowhere
`,
    );
    for (const args of [
      ["scale", "--env", "dev", "--service", "api", "--replicas", "2"],
      ["promote", "--from", "staging", "--to", "prod", "--print"],
    ]) {
      const run = await deliver([...args, "--config", configFile], file);
      expectOneLineError(
        run,
        new RegExp(
          `^cannot reach the Kubernetes API server at ${server.replace(/\./g, "\\.")} \\(ECONNREFUSED.*\\): check that the cluster is running`,
        ),
      );
    }
  });

  it("a usage error exits 2", async () => {
    const run = await deliver(["scale", "--env", "dev", "--config", configFile]);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe("missing --service");
  });

  it("scales a Deployment on the cluster and waits for it", async () => {
    await applyObjects([demoDeployment(namespace, "v1", { name: "api", replicas: 2, progressDeadlineSeconds: 60 })], {
      kubeConfig,
    });
    await waitForRollout(namespace, "api", { kubeConfig, timeoutMs: 60_000 });
    const run = await deliver(["scale", "--env", "dev", "--service", "api", "--replicas", "3", "--config", configFile]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("dev/api: scaled from 2 to 3 replicas\n");
    const d = await readDeployment(kubeConfig, namespace, "api");
    expect(d.status?.readyReplicas).toBe(3);
  });
});
