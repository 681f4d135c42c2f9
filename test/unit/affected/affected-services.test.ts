import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { affectedServices, GitRefError } from "../../../src/affected/index.js";
import { run } from "../../../src/cli/pipeline.js";
import { type PipelineConfig, parsePipelineConfig } from "../../../src/config/index.js";
import { FixtureRepo, PIPELINE_YAML } from "./fixture.js";

let repo: FixtureRepo;
let config: PipelineConfig;

beforeAll(() => {
  repo = new FixtureRepo();
  config = parsePipelineConfig(PIPELINE_YAML, "pipeline.yaml", { repoRoot: repo.root });
});
afterAll(() => repo.remove());

const affected = (head: string) => affectedServices({ repoRoot: repo.root, base: "base", head, config });

describe("affectedServices on a real git repository", () => {
  it("a change inside one service builds only that service and retests its callers", async () => {
    const head = repo.branch("change-b", { "services/b/src/app.ts": "export const b = 2;\n" });
    expect(await affected(head)).toEqual({
      build: ["b"],
      retest: ["c"],
      reasons: { b: ["services/b/src/app.ts changed"], c: ["calls b, which is rebuilt"] },
      unclassified: [],
    });
  });

  it("retesting follows calls transitively, without rebuilding the callers", async () => {
    const head = repo.branch("change-a", { "services/a/src/app.ts": "export const a = 2;\n" });
    const result = await affected(head);
    expect(result.build).toEqual(["a"]);
    expect(result.retest).toEqual(["b", "c"]);
    expect(result.reasons.c).toEqual(["calls b, which is retested"]);
  });

  it("a shared package change builds every service that depends on it, directly or through others", async () => {
    const head = repo.branch("change-base", { "packages/base/src/index.ts": "export const base = 2;\n" });
    const result = await affected(head);
    expect(result.build).toEqual(["a", "c"]);
    expect(result.retest).toEqual(["b"]);
    expect(result.reasons).toEqual({
      a: ["depends on @t/base (through @t/kit) which changed: packages/base/src/index.ts"],
      b: ["calls a, which is rebuilt"],
      c: ["depends on @t/base which changed: packages/base/src/index.ts"],
    });
  });

  it("a package nobody depends on builds nothing", async () => {
    const head = repo.branch("change-tools", { "packages/tools/src/index.ts": "export const tools = 2;\n" });
    expect(await affected(head)).toMatchObject({ build: [], retest: [], unclassified: [] });
  });

  it("a lockfile change builds every service", async () => {
    const head = repo.branch("change-lock", { "package-lock.json": '{ "lockfileVersion": 3, "x": 1 }\n' });
    const result = await affected(head);
    expect(result.build).toEqual(["a", "b", "c"]);
    expect(result.retest).toEqual([]);
    expect(result.reasons.b).toEqual(["package-lock.json changed (affects every service)"]);
  });

  it("a documentation change builds and retests nothing", async () => {
    const head = repo.branch("change-docs", { "docs/services.md": "# changed\n", "README.md": "# changed\n" });
    expect(await affected(head)).toEqual({ build: [], retest: [], reasons: {}, unclassified: [] });
  });

  it("a file outside every rule is reported, not guessed at", async () => {
    const head = repo.branch("change-script", { "scripts/tool.ts": "export {};\n" });
    expect(await affected(head)).toMatchObject({ build: [], unclassified: ["scripts/tool.ts"] });
  });

  it("a file moved between services affects both ends", async () => {
    repo.git("checkout", "-q", "-b", "move", "base");
    repo.git("mv", "services/a/src/app.ts", "services/b/src/moved.ts");
    repo.commit("move");
    repo.git("checkout", "-q", "main");
    const result = await affected("move");
    expect(result.build).toEqual(["a", "b"]);
  });

  it("a dependency added on the branch is followed", async () => {
    const head = repo.branch("new-dependency", {
      "services/b/package.json": `${JSON.stringify({ name: "@t/b", dependencies: { "@t/tools": "^0.1.0" } })}\n`,
      "packages/tools/src/index.ts": "export const tools = 3;\n",
    });
    const result = await affected(head);
    expect(result.build).toEqual(["b"]);
    expect(result.reasons.b).toContain("depends on @t/tools which changed: packages/tools/src/index.ts");
  });

  it("without head, commits on HEAD plus uncommitted and untracked files count", async () => {
    repo.git("checkout", "-q", "-b", "work", "base");
    try {
      repo.write({ "services/c/src/app.ts": "export const c = 9;\n", "services/a/src/new-file.ts": "export {};\n" });
      const result = await affectedServices({ repoRoot: repo.root, base: "base", config });
      expect(result.build).toEqual(["a", "c"]);
      expect(result.reasons.a).toEqual(["services/a/src/new-file.ts changed"]);
    } finally {
      repo.git("checkout", "-q", "--", ".");
      repo.git("clean", "-q", "-fd");
      repo.git("checkout", "-q", "main");
    }
  });

  it("a bad ref is an error that names the ref", async () => {
    const attempt = affectedServices({ repoRoot: repo.root, base: "no-such-branch", config });
    await expect(attempt).rejects.toBeInstanceOf(GitRefError);
    await expect(attempt).rejects.toThrow(`unknown git ref "no-such-branch" in ${repo.root}`);
    await expect(affected("missing-head")).rejects.toMatchObject({ ref: "missing-head" });
    await expect(affectedServices({ repoRoot: repo.root, base: "--output=x", config })).rejects.toThrow(
      'unknown git ref "--output=x"',
    );
  });
});

describe("pipeline affected", () => {
  it("prints the result as JSON", async () => {
    const head = repo.branch("cli", { "packages/kit/src/index.ts": "export const kit = 2;\n" });
    let out = "";
    const code = await run(
      ["affected", "--base", "base", "--head", head, "--config", join(repo.root, "pipeline.yaml")],
      { write: (text: string) => (out += text) },
      { write: () => true },
    );
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ build: ["a"], retest: ["b", "c"] });
  });

  it("exits 1 with the git error for a bad ref", async () => {
    let err = "";
    const code = await run(
      ["affected", "--base", "nope", "--config", join(repo.root, "pipeline.yaml")],
      { write: () => true },
      { write: (text: string) => (err += text) },
    );
    expect(code).toBe(1);
    expect(err).toContain('unknown git ref "nope"');
  });
});
