// deliver deploy/status/rollback, spawned as a user runs them: v1 and v2 of every service, then a v3 whose
// checkout crashes is rolled back automatically while no service's availability drops below its floor.
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { EnvironmentStatus } from "../../../src/delivery/status.js";
import { testEnvironment } from "./environment-fixture.js";
import {
  createShopNamespace,
  deleteNamespace,
  fakeImage,
  readDeployment,
  sampleAvailability,
  testKubeConfig,
} from "./helpers.js";

const kubeConfig = testKubeConfig();
const { config, namespaces, deliver } = testEnvironment("deploy-cli", ["dev"], { progressDeadlineSeconds: 10 });
const namespace = namespaces.dev ?? "";
const services = Object.keys(config.services);
const image = (service: string, version: string, tag?: string) => fakeImage(config, service, version, tag);
const imageArgs = (version: string, overrides: Record<string, string> = {}) =>
  services.flatMap((s) => ["--image", `${s}=${overrides[s] ?? image(s, version)}`]);
const kubectl = join(dirname(inject("kubeconfig")), "bin", "kubectl");

beforeAll(() => createShopNamespace(kubeConfig, namespace, services));
afterAll(() => deleteNamespace(kubeConfig, namespace));

async function status(): Promise<EnvironmentStatus> {
  const run = await deliver(["status", "--env", "dev", "--json"]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as EnvironmentStatus;
}

function lastLine(text: string): string {
  return text.trim().split("\n").pop() ?? "";
}

describe("deliver deploy, status and rollback of a whole release", () => {
  let v1 = "";
  let v2 = "";

  it("deploys v1 then v2 of every service in dependency order; status and kubectl rollout history agree", async () => {
    const first = await deliver(["deploy", "--env", "dev", ...imageArgs("v1"), "--revision", "build-1"]);
    expect(first.code, first.stderr).toBe(0);
    v1 = /^deployed release ([0-9a-f]{12}) /.exec(first.stdout)?.[1] ?? "";
    expect(first.stdout.split("\n")[0]).toBe(
      `deployed release ${v1} to dev (${namespace}); changed: api, payments, checkout, storefront`,
    );
    // bare references, as publish prints them: each is for the service its repository ends with
    const bare = services.flatMap((s) => ["--image", image(s, "v2")]);
    const second = await deliver(["deploy", "--env", "dev", ...bare, "--revision", "build-2"]);
    expect(second.code, second.stderr).toBe(0);
    v2 = /^deployed release ([0-9a-f]{12}) /.exec(second.stdout)?.[1] ?? "";
    expect(second.stdout).toContain(`  checkout     revision 2  ${image("checkout", "v2")}`);

    const now = await status();
    expect(now).toMatchObject({ currentRelease: v2, matchesCurrentRelease: true });
    expect(now.releases.previous?.id).toBe(v1);
    expect(now.releases.inProgress).toBeUndefined();
    for (const s of now.services) {
      expect(s).toMatchObject({ image: image(s.service, "v2"), revision: "2", readyReplicas: 1, desiredReplicas: 1 });
      const history = await promisify(execFile)(kubectl, [
        "--kubeconfig",
        inject("kubeconfig"),
        "rollout",
        "history",
        `deployment/${s.service}`,
        "-n",
        namespace,
        "--revision=2",
      ]);
      expect(history.stdout).toContain(`Image:\t${image(s.service, "v2")}`);
    }

    const table = await deliver(["status", "--env", "dev"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(new RegExp(`^dev \\(${namespace}\\): release ${v2} \\(build-2\\)`));
    expect(table.stdout).toMatch(/^checkout\s+2\s+1\/1\s+successfully rolled out\s+\S+checkout@sha256:/m);
  }, 240_000);

  it("v3 with a crash- checkout: rolled back automatically, exit 1 naming service, revision, reason and serving revision; availability never below the floor", async () => {
    const sampler = sampleAvailability(kubeConfig, namespace, { everyMs: 100 });
    const crash = image("checkout", "v3", "crash-1");
    const run = await deliver(["deploy", "--env", "dev", ...imageArgs("v3", { checkout: crash })], {
      timeoutMs: 200_000,
    });
    const samples = await sampler.stop();

    expect(run.code, run.stderr).toBe(1);
    expect(lastLine(run.stderr)).toMatch(
      new RegExp(
        `^release \\w{12} to dev \\(${namespace}\\) failed at checkout: deploy of checkout \\(${namespace}\\) failed at revision 3: ProgressDeadlineExceeded .*; rolled back, now serving revision 4 \\(the template of revision 2, ${image("checkout", "v2").replace(/[.]/g, "\\.")}\\); rolled back: checkout, payments, api$`,
      ),
    );
    expect(run.stdout).toBe("");

    expect(new Set(samples.map((s) => s.name))).toEqual(new Set(services));
    expect(samples.length).toBeGreaterThan(4 * 20);
    const belowFloor = samples.filter((s) => s.available < s.floor);
    expect(belowFloor, JSON.stringify(belowFloor.slice(0, 5))).toEqual([]);

    const now = await status();
    expect(now).toMatchObject({ currentRelease: v2, matchesCurrentRelease: true });
    expect(now.releases.lastFailed).toMatchObject({
      failedService: "checkout",
      rolledBack: ["checkout", "payments", "api"],
    });
    expect(now.releases.inProgress).toBeUndefined();
    const checkout = now.services.find((s) => s.service === "checkout");
    expect(checkout?.lastRollback).toMatchObject({ from: "3", to: "2", serving: "4", failedImages: [crash] });
    // services that only went back with checkout keep their v3 images deployable
    expect(now.services.find((s) => s.service === "api")?.lastRollback?.failedImages).toEqual([]);
  }, 240_000);

  it("the same crash image again is refused before it rolls, naming --force; nothing changes", async () => {
    const before = await readDeployment(kubeConfig, namespace, "checkout");
    const crash = image("checkout", "v3", "crash-1");
    const run = await deliver(["deploy", "--env", "dev", "--image", `checkout=${crash}`]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(`payments: not in this deploy, keeps ${image("payments", "v2")}`);
    expect(lastLine(run.stderr)).toMatch(
      new RegExp(
        `failed at checkout: refusing to deploy ${crash.replace(/[.]/g, "\\.")} to checkout .*--force.*; rolled back: none$`,
      ),
    );
    const after = await readDeployment(kubeConfig, namespace, "checkout");
    expect(after.metadata?.generation).toBe(before.metadata?.generation);
  }, 120_000);

  it("rollback without --service deploys the previous release (v1) again, exactly", async () => {
    const run = await deliver(["rollback", "--env", "dev"], { timeoutMs: 200_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      `dev: rolled back from release ${v2} to release ${v1} (changed: api, payments, checkout, storefront)\n`,
    );
    const now = await status();
    expect(now).toMatchObject({ currentRelease: v1, matchesCurrentRelease: true });
    expect(now.releases.previous?.id).toBe(v2);
    for (const s of now.services) expect(s.image).toBe(image(s.service, "v1"));
  }, 240_000);
});
