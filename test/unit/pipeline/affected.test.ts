import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changedFiles, computeAffected, readWorkspaces } from "../../../src/affected/index.js";
import {
  affectedByChanges,
  CHANGED_FILES_SCRIPT,
  checkBaseRef,
  parseChangedFiles,
} from "../../../src/pipeline/affected.js";
import { FixtureRepo } from "../affected/fixture.js";
import { REPO_ROOT, repoConfig, repoPlans, repoWorkspaces } from "./this-repo.js";

let repo: FixtureRepo;
let gitHolder: string;

// As in the container: the work tree in one place, a copy of its .git in another, git pointed at both.
function runScript(ref: string, gitDir = join(gitHolder, ".git")) {
  const result = spawnSync("sh", ["-c", CHANGED_FILES_SCRIPT, "changed-files", ref], {
    cwd: repo.root,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_DIR: gitDir,
      GIT_WORK_TREE: repo.root,
      GIT_OPTIONAL_LOCKS: "0",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
    },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

beforeAll(() => {
  repo = new FixtureRepo();
  repo.branch("feature", { "services/b/src/app.ts": "export const b = 2;\n" });
  repo.git("checkout", "-q", "feature");
  // Uncommitted and untracked work counts too, as `dagger call` uploads the work tree as it is.
  repo.write({ "packages/kit/src/index.ts": "export const kit = 2;\n", "services/c/src/new.ts": "export {};\n" });
  gitHolder = mkdtempSync(join(tmpdir(), "git-holder-"));
  cpSync(join(repo.root, ".git"), join(gitHolder, ".git"), { recursive: true });
});
afterAll(() => {
  repo.remove();
  rmSync(gitHolder, { recursive: true, force: true });
});

describe("the git half of affected, as the container runs it", () => {
  it("lists what src/affected's changedFiles lists: commits since the merge base, edits and untracked files", async () => {
    const { code, stdout } = runScript("base");
    expect(code).toBe(0);
    const files = parseChangedFiles(stdout);
    expect(files).toEqual(await changedFiles(repo.root, "base"));
    expect(files).toEqual(["packages/kit/src/index.ts", "services/b/src/app.ts", "services/c/src/new.ts"]);
  });

  it("answers an unknown ref with one line naming it", () => {
    expect(runScript("no-such-branch")).toMatchObject({
      code: 3,
      stderr: 'unknown git ref "no-such-branch": no such commit',
    });
  });

  it("passes the ref to git as one argument, so shell syntax in it is only an odd ref name", () => {
    const { code, stderr } = runScript("main$(touch pwned);touch pwned");
    expect(code).toBe(3);
    expect(stderr).toBe('unknown git ref "main$(touch pwned);touch pwned": no such commit');
    expect(existsSync(join(repo.root, "pwned"))).toBe(false);
  });

  it("says when there is no .git to read", () => {
    const { code, stderr } = runScript("base", join(gitHolder, "missing"));
    expect(code).toBe(3);
    expect(stderr).toMatch(/^no \.git directory in the repository/);
  });

  it("splits git's NUL-separated output into sorted, distinct paths", () => {
    expect(parseChangedFiles("b.ts\0a b.ts\0b.ts\0")).toEqual(["a b.ts", "b.ts"]);
    expect(parseChangedFiles("")).toEqual([]);
  });

  it("refuses a base that is empty, has spaces or would read as an option, naming --base", () => {
    expect(checkBaseRef("origin/main")).toBe("origin/main");
    for (const bad of ["", "  ", "--output=/tmp/x", "main branch"]) {
      expect(() => checkBaseRef(bad)).toThrow(`--base "${bad}" is not a git ref`);
    }
  });
});

describe("affected services from the source directory's plans and workspaces", () => {
  const cases: [string, string[]][] = [
    ["one service", ["services/payments/src/app.ts"]],
    ["a shared package", ["packages/payment-card/src/index.ts"]],
    ["the lockfile", ["package-lock.json"]],
    ["pipeline code and docs only", ["src/pipeline/ci.ts", "docs/services.md"]],
  ];

  it.each(cases)("agree with src/affected on this repository for a change to %s", async (_, files) => {
    const [plans, workspaces, config, packages] = await Promise.all([
      repoPlans(),
      repoWorkspaces(),
      repoConfig(),
      readWorkspaces(REPO_ROOT),
    ]);
    expect(affectedByChanges(files, plans, workspaces)).toEqual(computeAffected(files, packages, config));
  });

  it("a one-service change builds that service alone and only integration-tests its callers", async () => {
    const affected = affectedByChanges(["services/payments/src/app.ts"], await repoPlans(), await repoWorkspaces());
    expect(affected.build).toEqual(["payments"]);
    expect(affected.retest).toEqual(["checkout", "storefront"]);
  });
});
