// npm run lint:ci-files: the CI files checked by real tools. actionlint (built once from the Go module proxy, cached
// by version) lints the GitHub workflow; gitlab-ci-local (npm, pinned) validates .gitlab-ci.yml against GitLab's schema
// and evaluates its rules, which must pick exactly the expected jobs for a merge request, the default branch and any
// other branch; `sh -n` parses the CLI install script. The Jenkinsfile has no offline linter: its structure is
// checked in tier 1 (test/unit/ci-files.test.ts). A tool that cannot be had fails the run with one line saying why.
import { execFile } from "node:child_process";
import { access, mkdir, mkdtemp, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { z } from "zod";

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
const ACTIONLINT_VERSION = "v1.7.12";
const GITLAB_CI_LOCAL = "gitlab-ci-local@4.75.1";
const TOOLS_DIR = join(homedir(), ".cache/ecommerce-delivery/tools");

class ToolMissing extends Error {}

interface Failure {
  stdout?: string;
  stderr?: string;
  message: string;
}
const output = (error: unknown) => {
  const failure = error as Failure;
  return [failure.stdout, failure.stderr].filter(Boolean).join("\n").trim() || failure.message;
};

async function actionlint(): Promise<string> {
  const binDir = join(TOOLS_DIR, `actionlint-${ACTIONLINT_VERSION}`);
  const binary = join(binDir, "actionlint");
  const present = await access(binary).then(
    () => true,
    () => false,
  );
  if (!present) {
    console.log(`lint:ci-files: building actionlint ${ACTIONLINT_VERSION} from the Go module proxy into ${binDir}`);
    try {
      await run("go", ["install", `github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}`], {
        env: { ...process.env, GOBIN: binDir },
      });
    } catch (error) {
      throw new ToolMissing(
        `actionlint ${ACTIONLINT_VERSION} is not in ${binDir} and could not be built (needs Go and the Go module proxy): ${output(error)}`,
      );
    }
  }
  return binary;
}

async function lintGitHubWorkflow(): Promise<void> {
  const binary = await actionlint();
  try {
    await run(binary, ["-no-color", ".github/workflows/ci.yml"], { cwd: REPO_ROOT });
  } catch (error) {
    throw new Error(`actionlint ${ACTIONLINT_VERSION} found problems in .github/workflows/ci.yml:\n${output(error)}`);
  }
  console.log(`lint:ci-files: .github/workflows/ci.yml passes actionlint ${ACTIONLINT_VERSION}`);
}

const listedJobs = z.array(z.object({ name: z.string(), when: z.string() }));

/** The pipelines .gitlab-ci.yml must tell apart, and the jobs each runs. */
const GITLAB_PIPELINES: { name: string; variables: Record<string, string>; jobs: string[] }[] = [
  {
    name: "a merge request",
    variables: {
      CI_PIPELINE_SOURCE: "merge_request_event",
      CI_COMMIT_BRANCH: "",
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "main",
    },
    jobs: ["ci:merge-request"],
  },
  {
    name: "the default branch",
    variables: { CI_PIPELINE_SOURCE: "push", CI_COMMIT_BRANCH: "main" },
    jobs: ["ci", "publish"],
  },
  { name: "another branch", variables: { CI_PIPELINE_SOURCE: "push", CI_COMMIT_BRANCH: "feature" }, jobs: [] },
];

async function gitlabJobs(variables: Record<string, string>, stateDir: string): Promise<string[]> {
  // npx runs gitlab-ci-local with the `node` on PATH; it needs Node 22 or later, so that is this script's own
  const path = `${dirname(process.execPath)}:${process.env.PATH ?? ""}`;
  // the pipeline's kind is set through predefined variables on purpose, which gitlab-ci-local would warn about
  const overrides = { CI_DEFAULT_BRANCH: "main", ...variables };
  const args = ["-y", GITLAB_CI_LOCAL, "--list-json", "--state-dir", stateDir];
  args.push("--ignore-predefined-vars", Object.keys(overrides).join(","));
  for (const [name, value] of Object.entries(overrides)) args.push("--variable", `${name}=${value}`);
  let stdout: string;
  try {
    ({ stdout } = await run("npx", args, { cwd: REPO_ROOT, env: { ...process.env, PATH: path }, maxBuffer: 1 << 24 }));
  } catch (error) {
    const text = output(error);
    if (/npm ERR!|ENOTFOUND|E404|command not found/.test(text)) {
      throw new ToolMissing(`${GITLAB_CI_LOCAL} could not be run through npx (needs the npm registry once): ${text}`);
    }
    throw new Error(`${GITLAB_CI_LOCAL} rejects .gitlab-ci.yml:\n${text}`);
  }
  return listedJobs
    .parse(JSON.parse(stdout))
    .filter((job) => job.when !== "never")
    .map((job) => job.name)
    .sort();
}

async function lintGitLabFile(): Promise<void> {
  if (Number(process.versions.node.split(".")[0]) < 22) {
    throw new ToolMissing(`${GITLAB_CI_LOCAL} needs Node 22 or later; this is Node ${process.versions.node}`);
  }
  // gitlab-ci-local takes its state directory relative to the repository, even when given an absolute path
  await mkdir(join(REPO_ROOT, ".tmp"), { recursive: true });
  const stateDir = relative(REPO_ROOT, await mkdtemp(join(REPO_ROOT, ".tmp/gitlab-ci-local-")));
  try {
    const problems: string[] = [];
    for (const pipeline of GITLAB_PIPELINES) {
      const jobs = await gitlabJobs(pipeline.variables, stateDir);
      if (jobs.join() !== [...pipeline.jobs].sort().join()) {
        problems.push(`${pipeline.name} runs [${jobs.join(", ")}], expected [${pipeline.jobs.join(", ")}]`);
      }
    }
    if (problems.length > 0) throw new Error(`.gitlab-ci.yml: ${problems.join("; ")}`);
  } finally {
    await rm(join(REPO_ROOT, stateDir), { recursive: true, force: true });
  }
  console.log(`lint:ci-files: .gitlab-ci.yml passes ${GITLAB_CI_LOCAL}'s schema and runs the expected jobs`);
}

async function parseInstallScript(): Promise<void> {
  try {
    await run("sh", ["-n", "scripts/install-dagger.sh"], { cwd: REPO_ROOT });
  } catch (error) {
    throw new Error(`scripts/install-dagger.sh does not parse: ${output(error)}`);
  }
  console.log("lint:ci-files: scripts/install-dagger.sh parses (sh -n)");
}

const results = await Promise.allSettled([lintGitHubWorkflow(), lintGitLabFile(), parseInstallScript()]);
const failures = results.flatMap((result) => (result.status === "rejected" ? [result.reason as Error] : []));
for (const failure of failures) {
  console.error(`lint:ci-files: ${failure instanceof ToolMissing ? "tool missing: " : ""}${failure.message}`);
}
process.exitCode = failures.length > 0 ? 1 : 0;
