// deliver deploy and promote, run as CI runs them (a process, its flags and environment), fail before any cluster is
// contacted and still leave their report: JUnit and Markdown in --report-dir or $DELIVER_REPORT_DIR, the Markdown
// appended to $GITHUB_STEP_SUMMARY, and a report that cannot be written never hides the command's own error. The
// wrapper they run in is also driven in-process with a command that succeeds, which needs no cluster either.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { type Learn, withReport } from "../../../src/cli/deliver/report.js";
import { ReportWriteError } from "../../../src/delivery/errors.js";
import type { RollbackResult } from "../../../src/delivery/rollback.js";
import type { CommandEnding } from "../../../src/report/build.js";
import { parseJunit } from "../report/junit-document.js";
import { REPO_ROOT } from "../this-repo.js";

const dir = mkdtempSync(join(tmpdir(), "deliver-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GOOD_IMAGE = `api=127.0.0.1:5000/shop/api@sha256:${"a".repeat(64)}`;
const MISSING_KUBECONFIG = join(dir, "no-such-kubeconfig");
/** A deploy to staging that fails at the kubeconfig, before any cluster is contacted, reporting to `reportDir`. */
const deployWithoutCluster = (reportDir: string) => [
  "deploy",
  "--env",
  "staging",
  "--image",
  GOOD_IMAGE,
  "--kubeconfig",
  MISSING_KUBECONFIG,
  "--report-dir",
  reportDir,
];

/** Runs `deliver <args>` as a process from the repository root, with only the variables given (and PATH, HOME). */
async function deliver(args: string[], variables: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...variables };
  try {
    const { stdout, stderr } = await promisify(execFile)(
      join(REPO_ROOT, "node_modules/.bin/tsx"),
      ["--conditions=source", "src/cli/deliver.ts", ...args],
      { cwd: REPO_ROOT, env },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("deliver writes its report when it fails", () => {
  it("deploy with a kubeconfig that does not exist: exit 1, the error, and the report in --report-dir", async () => {
    const reports = join(dir, "flag", "nested");
    const { code, stderr } = await deliver(deployWithoutCluster(reports));
    expect(code).toBe(1);
    expect(stderr.trim().split("\n").at(-1)).toBe(
      `kubeconfig not found at ${MISSING_KUBECONFIG}: pass the path of an existing kubeconfig (or set KUBECONFIG)`,
    );
    expect(stderr).toContain(
      `report: ${join(reports, "deliver-deploy-staging.xml")}, ${join(reports, "deliver-deploy-staging.md")}`,
    );
    const junit = parseJunit(readFileSync(join(reports, "deliver-deploy-staging.xml"), "utf8"));
    expect(junit.totals).toEqual({ tests: 1, failures: 1, errors: 0, skipped: 0 });
    expect(junit.suites[0]?.cases[0]?.result).toMatchObject({ kind: "failure", type: "KubeconfigNotFoundError" });
    expect(junit.suites[0]?.properties["image.api"]).toBe(GOOD_IMAGE.slice("api=".length));
    const markdown = readFileSync(join(reports, "deliver-deploy-staging.md"), "utf8");
    expect(markdown.split("\n")[0]).toBe("### ❌ deliver deploy staging: FAILED");
    expect(markdown).toContain("**Why it failed:** kubeconfig not found at");
  });

  it("deploy of an image from the wrong registry: the report goes to $DELIVER_REPORT_DIR and $GITHUB_STEP_SUMMARY", async () => {
    const reports = join(dir, "variable");
    const summary = join(dir, "step-summary.md");
    writeFileSync(summary, "## an earlier step's summary\n\n");
    const wrong = `api=registry.example.com/shop/api@sha256:${"b".repeat(64)}`;
    const { code, stderr } = await deliver(
      ["deploy", "--env", "staging", "--image", wrong, "--kubeconfig", MISSING_KUBECONFIG],
      { DELIVER_REPORT_DIR: reports, GITHUB_STEP_SUMMARY: summary },
    );
    expect(code).toBe(1);
    expect(stderr).not.toContain("kubeconfig"); // refused before any cluster was contacted
    const junit = parseJunit(readFileSync(join(reports, "deliver-deploy-staging.xml"), "utf8"));
    const failure = junit.suites[0]?.cases[0]?.result;
    expect(failure).toMatchObject({ kind: "failure", type: "ReleaseError" });
    expect(stderr.trim().split("\n").at(-1)).toBe(failure?.kind === "passed" ? "" : failure?.message);
    const appended = readFileSync(summary, "utf8");
    expect(appended.startsWith("## an earlier step's summary\n\n### ❌ deliver deploy staging: FAILED\n")).toBe(true);
    expect(appended).toContain("registry.example.com/shop/api@sha256");
  });

  it("promote names both environments in its report, to-environment in the file name", async () => {
    const reports = join(dir, "promote");
    const { code } = await deliver([
      "promote",
      "--from",
      "staging",
      "--to",
      "prod",
      "--kubeconfig",
      MISSING_KUBECONFIG,
      "--report-dir",
      reports,
    ]);
    expect(code).toBe(1);
    const junit = parseJunit(readFileSync(join(reports, "deliver-promote-prod.xml"), "utf8"));
    expect(junit.name).toBe("deliver promote staging to prod");
  });

  it("a report directory that cannot be made: a warning, and the command's own error stays the last line", async () => {
    const notADirectory = join(dir, "plain-file");
    writeFileSync(notADirectory, "");
    const { code, stderr } = await deliver(deployWithoutCluster(join(notADirectory, "reports")));
    expect(code).toBe(1);
    expect(stderr).toMatch(/warning: the report could not be written to .*deliver-deploy-staging\.xml \(ENOTDIR/);
    expect(stderr.trim().split("\n").at(-1)).toMatch(/^kubeconfig not found at /);
  });

  it("an empty --report-dir is a usage error (exit 2) that names the flag", async () => {
    const { code, stderr } = await deliver(["deploy", "--env", "staging", "--image", GOOD_IMAGE, "--report-dir", ""]);
    expect(code).toBe(2);
    expect(stderr.split("\n")[0]).toBe("--report-dir must name a path, not be empty");
  });
});

describe("withReport, the wrapper every reporting command runs in", () => {
  const io = { out: { write: () => true }, err: { write: (text: string) => stderr.push(text) } };
  const stderr: string[] = [];
  beforeEach(() => {
    stderr.length = 0;
  });
  const rolledBack = (learn: Learn): Promise<CommandEnding> => {
    learn({ env: "staging" });
    const result = {
      namespace: "shop-staging",
      name: "api",
      fromRevision: "5",
      toRevision: "4",
      servingRevision: "6",
      images: [`127.0.0.1:5000/shop/api@sha256:${"f".repeat(64)}`],
      record: {} as RollbackResult["record"],
      durationMs: 1,
    };
    return Promise.resolve({ kind: "service-rollback", service: "api", result });
  };

  it("writes the report of a command that succeeded, and says where", async () => {
    const reports = join(dir, "succeeded");
    await withReport("rollback", { dir: reports }, io, rolledBack);
    const junit = parseJunit(readFileSync(join(reports, "deliver-rollback-staging.xml"), "utf8"));
    expect(junit.totals).toEqual({ tests: 2, failures: 0, errors: 0, skipped: 1 });
    expect(readFileSync(join(reports, "deliver-rollback-staging.md"), "utf8")).toContain(
      "| api | rolled back | from revision 5 to the template of revision 4, now serving revision 6 |",
    );
    expect(stderr.join("")).toContain(`report: ${join(reports, "deliver-rollback-staging.xml")}`);
  });

  it("fails a command that succeeded when its report cannot be written, saying that the command did succeed", async () => {
    const notADirectory = join(dir, "another-plain-file");
    writeFileSync(notADirectory, "");
    const run = withReport("rollback", { dir: join(notADirectory, "reports") }, io, rolledBack);
    await expect(run).rejects.toThrow(ReportWriteError);
    await expect(run).rejects.toThrow(
      /^rollback staging succeeded, but the report could not be written to .* \(ENOTDIR/,
    );
  });

  it("without a destination only runs the command: no report, no report line on stderr", async () => {
    let ran = false;
    await withReport("deploy", {}, io, async () => {
      ran = true;
      return undefined;
    });
    expect(ran).toBe(true);
    expect(stderr.join("")).not.toContain("report: ");
  });
});
