import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  imageName,
  loadPipelineConfig,
  PipelineConfigError,
  type PipelineConfigIssue,
  parsePipelineConfig,
  promotionOrder,
} from "../../../src/config/index.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const realFile = `${repoRoot}pipeline.yaml`;
const real = readFileSync(realFile, "utf8");

/** The real file with one edit applied; fails loudly if the text to replace is gone. */
function edit(search: string, replacement: string, text = real): string {
  expect(text, `pipeline.yaml no longer contains ${JSON.stringify(search)}`).toContain(search);
  return text.replace(search, replacement);
}

/** 1-based line of the first line containing `marker`, after `after` if given. */
function lineOf(text: string, marker: string, after = ""): number {
  const start = after ? text.indexOf(after) : 0;
  const index = text.indexOf(marker, start);
  expect(index, `marker ${JSON.stringify(marker)}`).toBeGreaterThanOrEqual(0);
  return text.slice(0, index).split("\n").length;
}

/** 1-based column of `marker` on its line. */
function columnOf(text: string, marker: string): number {
  const line = text.split("\n")[lineOf(text, marker) - 1] ?? "";
  return line.indexOf(marker) + 1;
}

function issuesOf(text: string): { error: PipelineConfigError; issues: readonly PipelineConfigIssue[] } {
  try {
    parsePipelineConfig(text, "pipeline.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(PipelineConfigError);
    return { error: error as PipelineConfigError, issues: (error as PipelineConfigError).issues };
  }
  throw new Error("expected the config to be rejected");
}

/** Exactly one issue, and the error message shows it as `file:line:column path: message`. */
function onlyIssue(text: string) {
  const { error, issues } = issuesOf(text);
  expect(issues).toHaveLength(1);
  const issue = issues[0] as PipelineConfigIssue;
  const field = issue.path ? `${issue.path}: ` : "";
  expect(error.message).toContain(`pipeline.yaml:${issue.line}:${issue.column} ${field}${issue.message}`);
  return issue;
}

describe("the real pipeline.yaml", () => {
  it("loads, with every service path checked against the repository", async () => {
    const config = await loadPipelineConfig(realFile, { repoRoot });
    expect(Object.keys(config.services).sort()).toEqual(["api", "checkout", "payments", "storefront"]);
    expect(config.services.storefront).toMatchObject({ port: 3000, calls: ["api", "checkout"], database: false });
    expect(config.services.checkout).toMatchObject({ port: 3002, calls: ["api", "payments"], database: true });
    expect(config.services.api).toMatchObject({ healthPath: "/healthz", readinessPath: "/readyz" });
    expect(config.services.payments?.secrets).toContain("FINGERPRINT_SECRET");
    expect(imageName(config.registry, "api")).toBe("127.0.0.1:5000/shop/api");
    expect(promotionOrder(config)).toEqual(["dev", "staging", "prod"]);
    expect(config.environments.prod.promotion.requiresApproval).toBe(true);
  });

  it("keeps secret values out: env holds only plain strings, secrets only names", async () => {
    const config = await loadPipelineConfig(realFile, { repoRoot });
    for (const service of Object.values(config.services)) {
      for (const value of Object.values(service.env)) expect(typeof value).toBe("string");
      for (const name of service.secrets) expect(service.env).not.toHaveProperty(name);
    }
  });

  it("fills defaults for what a service leaves out", () => {
    const minimal = edit(
      '    healthPath: /healthz\n    readinessPath: /readyz\n    calls: []\n    database: true\n    env:\n      HOST: 0.0.0.0\n      LOG_LEVEL: info\n      NODE_OPTIONS: --max-semi-space-size=8 # V8 young generation of 16 MB: keeps peak RSS under load below 150 MB (npm run bench:shop)\n      SANDBOX_SLOW_MS: "5000"\n    secrets: [DATABASE_URL, FINGERPRINT_SECRET]\n',
      "",
    );
    const config = parsePipelineConfig(minimal, "pipeline.yaml");
    expect(config.services.payments).toEqual({
      path: "services/payments",
      port: 3003,
      healthPath: "/healthz",
      readinessPath: "/readyz",
      calls: [],
      env: {},
      secrets: [],
      database: false,
    });
  });
});

describe("each kind of error names file, line and field", () => {
  it("an unknown key", () => {
    const text = edit("    port: 3001\n", "    port: 3001\n    prot: 3001\n");
    expect(onlyIssue(text)).toEqual({
      path: "services.api.prot",
      line: lineOf(text, "prot:"),
      column: 5,
      message: "unknown key",
      code: "unknown_key",
    });
  });

  it("a wrong type", () => {
    const text = edit("port: 3001", 'port: "3001x"');
    expect(onlyIssue(text)).toMatchObject({
      path: "services.api.port",
      line: lineOf(text, "3001x"),
      code: "invalid_type",
      message: 'must be a number, not the string "3001x"',
    });
  });

  it("a missing field, located at its parent", () => {
    const text = edit("    namespace: shop-staging\n", "");
    expect(onlyIssue(text)).toMatchObject({
      path: "environments.staging.namespace",
      line: lineOf(text, "  staging:"),
      code: "missing",
      message: "is required",
    });
  });

  it("a number out of range", () => {
    const text = edit("replicas: 2", "replicas: 0");
    const issue = onlyIssue(text);
    expect(issue).toMatchObject({
      path: "environments.staging.replicas",
      line: lineOf(text, "replicas: 0"),
      column: 5,
    });
    expect(issue.message).toBe("must be at least 1");
  });

  it("replicas and autoscaling both given", () => {
    const text = edit("    namespace: shop-prod\n", "    namespace: shop-prod\n    replicas: 3\n");
    expect(onlyIssue(text)).toMatchObject({
      path: "environments.prod.autoscaling",
      line: lineOf(text, "autoscaling:", "shop-prod"),
      code: "conflict",
      message: "give either replicas or autoscaling, not both",
    });
  });

  it("neither replicas nor autoscaling", () => {
    const text = edit("    replicas: 1\n", "");
    expect(onlyIssue(text)).toMatchObject({ path: "environments.dev", line: lineOf(text, "  dev:"), code: "missing" });
  });

  it("autoscaling min above max", () => {
    const text = edit("min: 3, max: 10", "min: 12, max: 10");
    expect(onlyIssue(text)).toMatchObject({
      path: "environments.prod.autoscaling.min",
      line: lineOf(text, "min: 12"),
      column: columnOf(text, "min: 12"),
      code: "conflict",
      message: "must not exceed max (10)",
    });
  });

  it("scheduling: a toleration with operator Exists and a value, and a bad node-selector key", () => {
    const text = edit(
      "    namespace: shop-dev\n",
      "    namespace: shop-dev\n    scheduling:\n      nodeSelector: { 'bad key': x }\n" +
        "      tolerations: [{ key: pool, operator: Exists, value: real }]\n",
    );
    const { issues } = issuesOf(text);
    expect(issues.map((i) => i.path).sort()).toEqual([
      "environments.dev.scheduling.nodeSelector.bad key",
      "environments.dev.scheduling.tolerations[0].value",
    ]);
    expect(issues.find((i) => i.path.endsWith("value"))?.message).toBe("must be left out when operator is Exists");
  });

  it("scheduling: defaults fill an environment that names only a node selector", () => {
    const text = edit(
      "    namespace: shop-dev\n",
      "    namespace: shop-dev\n    scheduling: { nodeSelector: { example.com/pool: real } }\n",
    );
    expect(parsePipelineConfig(text, "pipeline.yaml").environments.dev.scheduling).toEqual({
      nodeSelector: { "example.com/pool": "real" },
      tolerations: [],
    });
  });

  it("a call to an undeclared service", () => {
    const text = edit("calls: [api, checkout]", "calls: [api, checkuot]");
    const issue = onlyIssue(text);
    expect(issue).toMatchObject({
      path: "services.storefront.calls[1]",
      line: lineOf(text, "checkuot"),
      code: "unknown_service",
    });
    expect(issue.message).toContain('calls unknown service "checkuot"');
  });

  it("a service calling itself", () => {
    const text = edit("calls: [api, payments]", "calls: [api, checkout]");
    expect(onlyIssue(text)).toMatchObject({ path: "services.checkout.calls[1]", code: "call_cycle" });
  });

  it("a call cycle, spelled out", () => {
    const text = edit(
      "    port: 3003\n    healthPath: /healthz\n    readinessPath: /readyz\n    calls: []",
      "    port: 3003\n    healthPath: /healthz\n    readinessPath: /readyz\n    calls: [checkout]",
    );
    expect(onlyIssue(text)).toMatchObject({
      path: "services.checkout.calls[1]",
      line: lineOf(text, "calls: [api, payments]"),
      code: "call_cycle",
      message: "call cycle: checkout → payments → checkout",
    });
  });

  it("a promotion cycle, spelled out", () => {
    const text = edit("from: null", "from: prod");
    expect(onlyIssue(text)).toMatchObject({
      path: "environments.dev.promotion.from",
      line: lineOf(text, "from: prod"),
      code: "promotion_cycle",
      message: "promotion cycle: dev → staging → prod → dev",
    });
  });

  it("two environments promoted from the same one", () => {
    const text = edit("from: staging", "from: dev");
    expect(onlyIssue(text)).toMatchObject({
      path: "environments.prod.promotion.from",
      line: lineOf(text, "from: dev", "shop-prod"),
      code: "promotion_chain",
    });
  });

  it("a namespace that is not a DNS-1123 label", () => {
    const text = edit("namespace: shop-dev", "namespace: Shop_Dev");
    const issue = onlyIssue(text);
    expect(issue).toMatchObject({ path: "environments.dev.namespace", line: lineOf(text, "Shop_Dev"), column: 5 });
    expect(issue.message).toContain("lowercase letters, digits and '-'");
  });

  it("a credential-looking name among the plain env vars", () => {
    const text = edit('SANDBOX_SLOW_MS: "5000"', 'PROVIDER_API_KEY: "sk_live_123"');
    expect(onlyIssue(text)).toMatchObject({
      path: "services.payments.env.PROVIDER_API_KEY",
      line: lineOf(text, "PROVIDER_API_KEY"),
      code: "secret_in_env",
    });
  });

  it("a YAML syntax error", () => {
    const text = edit("  repository: shop\n", "  repository: shop\n  extra: [unclosed\n");
    const { error, issues } = issuesOf(text);
    expect(issues.length).toBeGreaterThanOrEqual(1);
    expect(issues[0]).toMatchObject({ code: "yaml_syntax" });
    expect(issues[0]?.line).toBeGreaterThanOrEqual(lineOf(text, "extra:"));
    expect(error.message).toMatch(/^pipeline\.yaml: \d+ problems?\npipeline\.yaml:\d+:\d+ /);
  });

  it("a duplicate key, with the field it repeats", () => {
    const text = edit("    port: 3003\n", "    port: 3003\n    port: 3004\n");
    expect(onlyIssue(text)).toMatchObject({
      path: "services.payments.port",
      line: lineOf(text, "port: 3004"),
      column: 5,
      code: "duplicate_key",
    });
  });

  it("a service path that is not a workspace in the repository", () => {
    const text = edit("path: services/payments", "path: services/paymnets");
    let caught: unknown;
    try {
      parsePipelineConfig(text, "pipeline.yaml", { repoRoot });
    } catch (error) {
      caught = error;
    }
    expect((caught as PipelineConfigError).issues).toEqual([
      expect.objectContaining({ path: "services.payments.path", line: lineOf(text, "paymnets"), code: "missing_path" }),
    ]);
  });

  it("several problems at once, in file order", () => {
    let text = edit("port: 3001", "port: 70000");
    text = edit("namespace: shop-dev", "namespace: shop-staging", text);
    text = edit('maxSurge: "25%"', 'maxSurge: "250%"', text);
    text = edit("registry:\n", "registry:\n  user: me\n", text);
    const { issues } = issuesOf(text);
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ["registry.user", lineOf(text, "user: me")],
      ["services.api.port", lineOf(text, "port: 70000")],
      ["environments.staging.namespace", lineOf(text, "namespace: shop-staging", "  staging:")],
      ["environments.prod.rollout.maxSurge", lineOf(text, "250%")],
    ]);
  });

  it("an empty file", () => {
    expect(onlyIssue("")).toMatchObject({
      path: "",
      line: 1,
      code: "invalid_type",
      message: "must be a mapping, not null",
    });
  });
});
