// The Dagger function `affected` runs `tsx src/cli/pipeline.ts affected --base=<ref>` in a container whose work
// tree is the source and whose .git sits elsewhere (GIT_DIR), and reads the JSON back with parseAffectedReport.
// These tests run that same command line the same way, as a real process.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AffectedError, affectedServices, parseAffectedReport } from "../../../src/affected/index.js";
import { parsePipelineConfig } from "../../../src/config/index.js";
import { REPO_ROOT } from "../this-repo.js";
import { FixtureRepo, PIPELINE_YAML } from "./fixture.js";

let repo: FixtureRepo;
let gitHolder: string;

function runAffected(ref: string) {
  const result = spawnSync(
    join(REPO_ROOT, "node_modules/.bin/tsx"),
    [join(REPO_ROOT, "src/cli/pipeline.ts"), "affected", `--base=${ref}`],
    {
      cwd: repo.root,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_DIR: join(gitHolder, ".git"),
        GIT_WORK_TREE: repo.root,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_CONFIG_GLOBAL: "/dev/null",
      },
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

beforeAll(() => {
  repo = new FixtureRepo();
  repo.branch("feature", { "services/b/src/app.ts": "export const b = 2;\n" });
  repo.git("checkout", "-q", "feature");
  // Uncommitted and untracked work counts too, as `dagger call` uploads the work tree as it is.
  repo.write({ "packages/kit/src/index.ts": "export const kit = 2;\n", "services/c/src/new.ts": "export {};\n" });
  gitHolder = mkdtempSync(join(tmpdir(), "git-holder-"));
  // Timestamps kept: a copied index newer than the edit above would defeat git's racy-clean check, and an edit of
  // the same size made in the same second as the checkout would look unchanged (seen on a loaded machine).
  cpSync(join(repo.root, ".git"), join(gitHolder, ".git"), { recursive: true, preserveTimestamps: true });
});
afterAll(() => {
  repo.remove();
  rmSync(gitHolder, { recursive: true, force: true });
});

describe("affected as the Dagger function runs it", () => {
  it("answers what affectedServices answers in place: commits since the merge base, edits and untracked files", async () => {
    const { code, stdout } = runAffected("base");
    expect(code).toBe(0);
    const config = parsePipelineConfig(PIPELINE_YAML, "pipeline.yaml", { repoRoot: repo.root });
    const report = parseAffectedReport(stdout);
    expect(report).toEqual(await affectedServices({ repoRoot: repo.root, base: "base", config }));
    expect(report.reasons.b).toContain("services/b/src/app.ts changed");
    expect(report.reasons.c).toContain("services/c/src/new.ts changed");
  });

  it("answers an unknown ref with exit 1 and the ref named on the first line of stderr", () => {
    const { code, stderr } = runAffected("no-such-branch");
    expect(code).toBe(1);
    expect(stderr.split("\n")[0]).toMatch(/^unknown git ref "no-such-branch" in .*: no such commit$/);
  });

  it("reads a ref that looks like an option as a ref, and refuses it", () => {
    const { code, stderr } = runAffected("--output=/tmp/x");
    expect(code).toBe(1);
    expect(stderr).toMatch(/^unknown git ref "--output=\/tmp\/x" in .*: not a valid ref name$/);
  });
});

describe("parseAffectedReport", () => {
  it("refuses output that is not JSON, or not the report's shape, naming the field", () => {
    expect(() => parseAffectedReport("warning: something\n")).toThrow(AffectedError);
    expect(() => parseAffectedReport("warning: something\n")).toThrow(/printed no JSON: warning: something/);
    const wrong = JSON.stringify({ build: ["a"], retest: [], reasons: { a: "x" }, unclassified: [] });
    expect(() => parseAffectedReport(wrong)).toThrow(/unexpected report: reasons\.a: /);
  });
});
