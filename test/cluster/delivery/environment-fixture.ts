// A private copy of pipeline.yaml whose environments live in namespaces of this test, a copy of the test cluster's
// kubeconfig, and the deliver CLI run as a user runs it against both.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, inject } from "vitest";
import { parseDocument } from "yaml";
import { type EnvironmentConfig, type PipelineConfig, parsePipelineConfig } from "../../../src/config/index.js";
import { uniqueNamespace } from "./helpers.js";

export const root = fileURLToPath(new URL("../../../", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface TestEnvironment {
  dir: string;
  kubeconfigFile: string;
  configFile: string;
  config: PipelineConfig;
  /** environment → this test's namespace for it */
  namespaces: Record<string, string>;
  /** Runs `deliver <args> --config <this copy>` with KUBECONFIG set to `kubeconfig` (default: the copy). */
  deliver(args: readonly string[], options?: { kubeconfig?: string; timeoutMs?: number }): Promise<CliRun>;
}

/** What a test changes in each of its environments. */
export interface TestEnvironmentOptions {
  readonly progressDeadlineSeconds?: number;
  /** Where the pods go (the pods tier puts them on the real node). */
  readonly scheduling?: EnvironmentConfig["scheduling"];
  /** The environments' analysis block, as pipeline.yaml would write it. */
  readonly analysis?: Readonly<Record<string, unknown>>;
  /** Fields of the environments' slo to change, e.g. `{ p99LatencyMs: 2500 }`. */
  readonly slo?: Readonly<Record<string, number>>;
  /** The environments' replica count and scaling block (deliver watch), as pipeline.yaml would write them. */
  readonly replicas?: number;
  readonly scaling?: Readonly<Record<string, unknown>>;
  /** Namespaces chosen by the caller (environment → namespace) instead of fresh random ones. */
  readonly namespaces?: Readonly<Record<string, string>>;
}

/**
 * A temporary directory with the kubeconfig and a pipeline.yaml in which each of `envs` gets a namespace of its own
 * (`<prefix>-<env>-<random>`) and, if given, a shorter progress deadline, its scheduling, analysis, slo, replicas and
 * scaling.
 */
export function testEnvironment(
  prefix: string,
  envs: readonly string[],
  options: TestEnvironmentOptions = {},
): TestEnvironment {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const kubeconfigFile = join(dir, "kubeconfig");
  writeFileSync(kubeconfigFile, readFileSync(inject("kubeconfig"), "utf8"));
  const doc = parseDocument(readFileSync(join(root, "pipeline.yaml"), "utf8"));
  const namespaces: Record<string, string> = {};
  for (const env of envs) {
    namespaces[env] = options.namespaces?.[env] ?? uniqueNamespace(`${prefix}-${env}`);
    doc.setIn(["environments", env, "namespace"], namespaces[env]);
    if (options.progressDeadlineSeconds !== undefined) {
      doc.setIn(["environments", env, "rollout", "progressDeadlineSeconds"], options.progressDeadlineSeconds);
    }
    if (options.scheduling) doc.setIn(["environments", env, "scheduling"], doc.createNode(options.scheduling));
    if (options.analysis) doc.setIn(["environments", env, "analysis"], doc.createNode(options.analysis));
    if (options.replicas !== undefined) doc.setIn(["environments", env, "replicas"], options.replicas);
    if (options.scaling) doc.setIn(["environments", env, "scaling"], doc.createNode(options.scaling));
    for (const [field, value] of Object.entries(options.slo ?? {}))
      doc.setIn(["environments", env, "slo", field], value);
  }
  const configFile = join(dir, "pipeline.yaml");
  writeFileSync(configFile, doc.toString());
  return {
    dir,
    kubeconfigFile,
    configFile,
    config: parsePipelineConfig(readFileSync(configFile, "utf8"), configFile),
    namespaces,
    deliver: (args, runOptions = {}) =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          ["--conditions=source", "--import", "tsx", "src/cli/deliver.ts", ...args, "--config", configFile],
          {
            cwd: root,
            env: { ...process.env, KUBECONFIG: runOptions.kubeconfig ?? kubeconfigFile },
            timeout: runOptions.timeoutMs ?? 110_000,
          },
          (error, stdout, stderr) => {
            const code = error ? (error as { code?: unknown }).code : 0;
            resolve({ code: typeof code === "number" ? code : null, stdout, stderr });
          },
        );
      }),
  };
}

/** The run failed with exactly one line on standard error (and nothing on standard output). */
export function expectOneLineError(run: CliRun, pattern: RegExp | string, code = 1): void {
  expect(run.code, run.stderr).toBe(code);
  const lines = run.stderr.split("\n").filter(Boolean);
  expect(lines, run.stderr).toHaveLength(1);
  if (typeof pattern === "string") expect(lines[0]).toBe(pattern);
  else expect(lines[0]).toMatch(pattern);
  expect(run.stdout).toBe("");
}

/** A loopback port that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** A kubeconfig (written into `dir`) whose cluster is `server` and whose user is nobody. */
export function writeUnreachableKubeconfig(dir: string, server: string): string {
  const path = join(dir, `unreachable-${server.replace(/\W/g, "-")}`);
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters: [{name: nowhere, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]
users: [{name: nobody, user: {token: x}}]
contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]
current-context: nowhere
`,
  );
  return path;
}
