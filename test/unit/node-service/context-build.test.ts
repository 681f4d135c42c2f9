// Replays, on a plain directory, what the image build of one service does in its containers: only the paths of its
// build context copied, then the module's own npm command lines. No engine needed; npm uses the machine's cache.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildCommand,
  INSTALL_COMMAND,
  productionInstallCommand,
  unreachablePackages,
} from "../../../modules/node-service/src/lib.js";
import { serviceBuildContext } from "../../../src/plan/plan.js";
import { REPO_ROOT, repoPlans } from "../this-repo.js";

const run = promisify(execFile);
// What the root module's source leaves out (IGNORE in src/index.ts) and contextSource excludes.
const NEVER_COPIED = new Set(["node_modules", "dist"]);
const scratch: string[] = [];

afterAll(() => Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true }))));

async function emptyDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "context-build-"));
  scratch.push(dir);
  return dir;
}

/** Copies what `Directory.filter({ include })` would keep; literal paths only, a missing one matches nothing. */
async function copyIncluded(from: string, to: string, include: readonly string[]): Promise<void> {
  for (const pattern of include) {
    if (/[*?[{]/.test(pattern)) throw new Error(`this replay copies literal paths only, not ${pattern}`);
    const path = pattern.replace(/\/$/, "");
    if (!existsSync(join(from, path))) continue;
    await cp(join(from, path), join(to, path), { recursive: true, filter: (src) => !NEVER_COPIED.has(basename(src)) });
  }
}

async function npm(cwd: string, command: readonly string[]): Promise<void> {
  const [tool, ...args] = command;
  expect(tool).toBe("npm");
  await run("npm", args, { cwd, env: { ...process.env, npm_config_update_notifier: "false" } });
}

describe("a service's image built from its build context alone", () => {
  it("storefront installs, compiles with its local packages, and loads with production dependencies from the context's manifests", async () => {
    const plan = (await repoPlans()).find((p) => p.name === "storefront");
    if (!plan) throw new Error("pipeline.yaml has no storefront");
    const context = serviceBuildContext(plan);

    const build = await emptyDir();
    await copyIncluded(REPO_ROOT, build, context.include);
    expect((await readdir(join(build, "services"))).sort()).toEqual(["storefront"]);
    expect((await readdir(join(build, "packages"))).sort()).toEqual(["payment-card", "service-kit", "shop-contracts"]);
    await npm(build, INSTALL_COMMAND);
    for (const workspace of context.order) await npm(build, buildCommand(workspace));
    for (const workspace of context.order) expect(existsSync(join(build, workspace, "dist/index.js"))).toBe(true);

    const runtime = await emptyDir();
    await copyIncluded(REPO_ROOT, runtime, context.manifests);
    await npm(runtime, productionInstallCommand(plan.workspace));
    const lockfile = JSON.parse(await readFile(join(REPO_ROOT, "package-lock.json"), "utf8"));
    await run("rm", ["-rf", "--", ...unreachablePackages(lockfile, context.order)], { cwd: runtime });
    for (const workspace of context.order) {
      await cp(join(build, workspace, "dist"), join(runtime, workspace, "dist"), { recursive: true });
    }
    const { stdout } = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const m = await import("./${plan.workspace}/dist/index.js"); console.log(typeof m.buildApp)`,
      ],
      { cwd: runtime, env: { ...process.env, NODE_ENV: "production" } },
    );
    expect(stdout.trim()).toBe("function");
  }, 180_000);
});
