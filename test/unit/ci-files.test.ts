// The CI files do what the README says: each installs the pinned dagger CLI and calls the module's ci. actionlint and
// gitlab-ci-local check them as tools (npm run lint:ci-files); these tests check what those tools cannot know.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { REPO_ROOT } from "./this-repo.js";

const read = (path: string) => readFile(join(REPO_ROOT, path), "utf8");
const DAGGER_VERSION = "0.21.9";

/** Each `stage('Name') { ... }` of a declarative Jenkinsfile with its body, braces balanced. */
function jenkinsStages(jenkinsfile: string): { name: string; body: string }[] {
  const stages: { name: string; body: string }[] = [];
  for (const match of jenkinsfile.matchAll(/stage\('([^']+)'\)\s*\{/g)) {
    let depth = 1;
    let end = (match.index ?? 0) + match[0].length;
    for (; depth > 0 && end < jenkinsfile.length; end++) {
      if (jenkinsfile[end] === "{") depth++;
      if (jenkinsfile[end] === "}") depth--;
    }
    stages.push({ name: match[1] as string, body: jenkinsfile.slice((match.index ?? 0) + match[0].length, end - 1) });
  }
  return stages;
}

describe("Jenkinsfile", () => {
  it("keeps the seed's four stages, in order, and each one calls the module with dagger call", async () => {
    const jenkinsfile = await read("Jenkinsfile");
    const dagger = /^\s*DAGGER = '([^']+)'$/m.exec(jenkinsfile)?.[1];
    expect(dagger).toMatch(/^dagger call --revision="\$GIT_COMMIT" --source-url="\$GIT_URL"$/);
    const stages = jenkinsStages(jenkinsfile).map(({ name, body }) => ({
      name,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Groovy's interpolation, matched literally
      body: body.replaceAll("${DAGGER}", dagger as string),
    }));
    expect(stages.map((stage) => stage.name)).toEqual([
      "Checkout Code",
      "Build Docker Image",
      "Test",
      "Deploy to Kubernetes",
    ]);
    for (const stage of stages) expect(stage.body, stage.name).toMatch(/sh[ (].*dagger call /);
    const body = (name: string) => stages.find((stage) => stage.name === name)?.body ?? "";
    expect(body("Checkout Code")).toContain("checkout scm");
    expect(body("Checkout Code")).toContain('sh scripts/install-dagger.sh "$DAGGER_VERSION" "$DAGGER_BIN_DIR"');
    expect(body("Build Docker Image")).toMatch(/dagger call [^\n]* build"/);
    // a pull request (CHANGE_TARGET set) tests and builds only what it affects; a branch build runs everything
    expect(body("Test")).toMatch(
      /dagger call [^\n]* ci \\\$\{CHANGE_TARGET:\+--base=\\"origin\/\\\$CHANGE_TARGET\\"\}"/,
    );
    // ci's steps as JUnit whatever ci's verdict: ci-report exported, then read by the junit step
    expect(body("Test")).toMatch(
      /post \{[\s\S]*always \{[\s\S]*dagger call [^\n]* ci-report [^\n]*export --path=reports"/,
    );
    expect(body("Test")).toContain("junit testResults: 'reports/ci.xml'");
    expect(body("Deploy to Kubernetes")).toMatch(/when \{ branch 'main' \}/);
    expect(body("Deploy to Kubernetes")).toMatch(/dagger call [^\n]* publish --env=staging /);
    expect(body("Deploy to Kubernetes")).toMatch(
      /dagger call [^\n]* env --name=staging [^\n]* deploy-report --images=[^\n]* export --path=reports"/,
    );
    expect(body("Deploy to Kubernetes")).toContain("junit testResults: 'reports/deliver-deploy-staging.xml'");
    expect(body("Deploy to Kubernetes")).toContain(`sh 'exit "$(cat reports/exit-code)"'`);
  });

  it("installs exactly DAGGER_VERSION, into a directory on PATH outside the workspace", async () => {
    const jenkinsfile = await read("Jenkinsfile");
    expect(jenkinsfile).toContain(`DAGGER_VERSION = '${DAGGER_VERSION}'`);
    expect(jenkinsfile).toContain(`DAGGER_BIN_DIR = "\${env.HOME}/.cache/dagger-cli/${DAGGER_VERSION}"`);
    expect(jenkinsfile).toContain(`PATH = "\${env.HOME}/.cache/dagger-cli/${DAGGER_VERSION}:\${env.PATH}"`);
  });
});

const step = z.object({
  uses: z.string().optional(),
  if: z.string().optional(),
  run: z.string().optional(),
  with: z.record(z.string(), z.unknown()).optional(),
});
const workflow = z.object({
  permissions: z.record(z.string(), z.string()),
  env: z.object({ DAGGER_VERSION: z.union([z.string(), z.number()]) }),
  jobs: z.record(
    z.string(),
    z.object({
      needs: z.union([z.string(), z.array(z.string())]).optional(),
      if: z.string().optional(),
      permissions: z.record(z.string(), z.string()),
      steps: z.array(step),
    }),
  ),
});

describe(".github/workflows/ci.yml", async () => {
  const ci = workflow.parse(parse(await read(".github/workflows/ci.yml")));
  const steps = Object.values(ci.jobs).flatMap((job) => job.steps);

  it("pins every action to a full commit and dagger-for-github to the CLI version", () => {
    for (const { uses } of steps.filter((s) => s.uses)) expect(uses).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
    expect(String(ci.env.DAGGER_VERSION)).toBe(DAGGER_VERSION);
    const daggerSteps = steps.filter((s) => s.uses?.startsWith("dagger/dagger-for-github@"));
    expect(daggerSteps).toHaveLength(3);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, matched literally
    for (const s of daggerSteps) expect(s.with?.version).toBe("${{ env.DAGGER_VERSION }}");
  });

  it("checks out without leaving the token in .git, with full history where ci --base needs it", () => {
    const checkouts = steps.filter((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkouts.length).toBe(Object.keys(ci.jobs).length);
    for (const checkout of checkouts) expect(checkout.with?.["persist-credentials"]).toBe(false);
    expect(ci.jobs.ci?.steps[0]?.with?.["fetch-depth"]).toBe(0);
  });

  it("runs ci (with --base on pull requests), then publishes in its own job on pushes to main only", () => {
    const call = (job: string) => String(ci.jobs[job]?.steps.find((s) => s.uses?.startsWith("dagger/"))?.with?.call);
    expect(call("ci")).toMatch(/ ci \$\{GITHUB_BASE_REF:\+--base=origin\/\$GITHUB_BASE_REF\}$/);
    expect(call("publish")).toMatch(
      / publish --registry=ghcr\.io\/[^ ]+ --username=\$GITHUB_ACTOR --password=env:REGISTRY_TOKEN$/,
    );
    expect(ci.jobs.publish?.needs).toBe("ci");
  });

  it("exports ci-report unless cancelled, even after ci failed: job summary and JUnit artifact", () => {
    const steps = ci.jobs.ci?.steps ?? [];
    const report = steps.find((s) => String(s.with?.call ?? "").includes(" ci-report "));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, matched literally
    expect(report?.if).toBe("${{ !cancelled() }}");
    expect(String(report?.with?.call)).toMatch(
      / ci-report \$\{GITHUB_BASE_REF:\+--base=origin\/\$GITHUB_BASE_REF\} export --path=reports$/,
    );
    expect(steps.find((s) => s.run?.includes("$GITHUB_STEP_SUMMARY"))?.run).toBe(
      'cat reports/ci.md >> "$GITHUB_STEP_SUMMARY"',
    );
    expect(steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))?.with?.path).toBe("reports/");
    expect(ci.jobs.publish?.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
  });

  it("grants nothing by default and each job only what it uses", () => {
    expect(ci.permissions).toEqual({});
    expect(ci.jobs.ci?.permissions).toEqual({ contents: "read" });
    expect(ci.jobs.publish?.permissions).toEqual({ contents: "read", packages: "write" });
  });
});

const gitlabJob = z.object({
  extends: z.string().optional(),
  variables: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  rules: z.array(z.object({ if: z.string() })).optional(),
  needs: z.array(z.string()).optional(),
  before_script: z.array(z.string()).optional(),
  script: z.array(z.string()).optional(),
  after_script: z.array(z.string()).optional(),
  artifacts: z
    .object({ when: z.string(), paths: z.array(z.string()), reports: z.object({ junit: z.string() }) })
    .optional(),
});

describe(".gitlab-ci.yml", async () => {
  const file = z.record(z.string(), z.unknown()).parse(parse(await read(".gitlab-ci.yml")));
  const job = (name: string) => gitlabJob.parse(file[name]);
  const script = (name: string) => (job(name).script ?? []).join("\n").replace(/\s+/g, " ").trim();
  const DEFAULT_BRANCH = [{ if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" }];

  it("installs exactly DAGGER_VERSION through the checksum-verifying install script in every job", () => {
    const template = job(".dagger");
    expect(template.variables?.DAGGER_VERSION).toBe(DAGGER_VERSION);
    expect(template.before_script).toContain('sh scripts/install-dagger.sh "$DAGGER_VERSION" /usr/local/bin');
    for (const name of [".ci-report", "publish"]) expect(job(name).extends, name).toBe(".dagger");
    for (const name of ["ci:merge-request", "ci"]) expect(job(name).extends, name).toBe(".ci-report");
  });

  it("runs ci --base against the target branch for merge requests, with the history it needs", () => {
    const mergeRequest = job("ci:merge-request");
    expect(mergeRequest.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(mergeRequest.variables?.GIT_DEPTH).toBe(0);
    expect(script("ci:merge-request")).toContain(
      'git fetch --no-tags origin "+refs/heads/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME:refs/remotes/origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"',
    );
    expect(script("ci:merge-request")).toMatch(
      /dagger call .* ci --base="origin\/\$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"$/,
    );
  });

  it("exports ci-report after each ci job, also a failed one, as the JUnit report GitLab shows", () => {
    expect(job(".ci-report").artifacts).toEqual({
      when: "always",
      paths: ["reports/"],
      reports: { junit: "reports/ci.xml" },
    });
    const afterScript = (name: string) => (job(name).after_script ?? []).join("\n").replace(/\s+/g, " ").trim();
    expect(afterScript("ci")).toMatch(/^dagger call .* ci-report export --path=reports$/);
    expect(afterScript("ci:merge-request")).toMatch(
      /^dagger call .* ci-report --base="origin\/\$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" export --path=reports$/,
    );
  });

  it("runs the full ci and then publish on the default branch only", () => {
    expect(job("ci").rules).toEqual(DEFAULT_BRANCH);
    expect(script("ci")).toMatch(/^dagger call .* ci$/);
    expect(job("publish").rules).toEqual(DEFAULT_BRANCH);
    expect(job("publish").needs).toEqual(["ci"]);
    expect(script("publish")).toMatch(/dagger call .* publish .*--password=env:CI_REGISTRY_PASSWORD$/);
  });
});

describe("one dagger version everywhere", () => {
  it("is the modules' engineVersion and the SDK's version", async () => {
    const version = z.object({ engineVersion: z.string() });
    for (const path of ["dagger.json", "modules/node-service/dagger.json"]) {
      expect(version.parse(JSON.parse(await read(path))).engineVersion, path).toBe(`v${DAGGER_VERSION}`);
    }
    const manifest = z.object({ dependencies: z.object({ "@dagger.io/dagger": z.string() }) });
    expect(manifest.parse(JSON.parse(await read("package.json"))).dependencies["@dagger.io/dagger"]).toBe(
      DAGGER_VERSION,
    );
  });
});
