import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * A throwaway git repository shaped like the shop: npm workspaces packages/* and services/*,
 * services/a → @t/kit → @t/base, services/c → @t/base, services/b with no workspace dependency;
 * at runtime b calls a and c calls b.
 */
export class FixtureRepo {
  readonly root = mkdtempSync(join(tmpdir(), "affected-"));

  constructor() {
    this.git("init", "-q", "-b", "main");
    const manifest = (name: string, dependencies: Record<string, string> = {}, devDependencies = {}) =>
      `${JSON.stringify({ name, version: "0.1.0", type: "module", dependencies, devDependencies }, null, 2)}\n`;
    this.write({
      "package.json": `${JSON.stringify({ name: "fixture", private: true, workspaces: ["packages/*", "services/*"] })}\n`,
      "package-lock.json": '{ "lockfileVersion": 3 }\n',
      "tsconfig.base.json": '{ "compilerOptions": { "strict": true } }\n',
      "README.md": "# fixture\n",
      "docs/services.md": "# services\n",
      "pipeline.yaml": PIPELINE_YAML,
      "packages/base/package.json": manifest("@t/base"),
      "packages/base/src/index.ts": "export const base = 1;\n",
      "packages/kit/package.json": manifest("@t/kit", { "@t/base": "^0.1.0", zod: "^4.0.0" }),
      "packages/kit/src/index.ts": "export const kit = 1;\n",
      "packages/tools/package.json": manifest("@t/tools"),
      "packages/tools/src/index.ts": "export const tools = 1;\n",
      "services/a/package.json": manifest("@t/a", { "@t/kit": "^0.1.0" }),
      "services/a/src/app.ts": "export const a = 1;\n",
      "services/b/package.json": manifest("@t/b", { fastify: "^5.0.0" }),
      "services/b/src/app.ts": "export const b = 1;\n",
      "services/c/package.json": manifest("@t/c", {}, { "@t/base": "^0.1.0" }),
      "services/c/src/app.ts": "export const c = 1;\n",
    });
    this.commit("base");
    this.git("tag", "base");
  }

  /** Writes files (creating directories) relative to the repository root. */
  write(files: Record<string, string>): void {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(this.root, path)), { recursive: true });
      writeFileSync(join(this.root, path), text);
    }
  }

  /** A branch from `base` with one commit that writes `files`; returns the branch name. */
  branch(name: string, files: Record<string, string>, remove: string[] = []): string {
    this.git("checkout", "-q", "-b", name, "base");
    this.write(files);
    for (const path of remove) this.git("rm", "-q", path);
    this.commit(name);
    this.git("checkout", "-q", "main");
    return name;
  }

  commit(message: string): void {
    this.git("add", "-A");
    this.git("commit", "-q", "--no-verify", "-m", message);
  }

  git(...args: string[]): string {
    return execFileSync(
      "git",
      ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args],
      {
        cwd: this.root,
        encoding: "utf8",
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
      },
    );
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

const environment = (namespace: string, from: string) => `
    namespace: ${namespace}
    replicas: 1
    promotion: { from: ${from}, requiresApproval: false }
    slo: { availability: 0.99, p99LatencyMs: 500, errorRate: 0.01 }
    rollout: { maxUnavailable: 0, maxSurge: 1, progressDeadlineSeconds: 60 }`;

export const PIPELINE_YAML = `registry:
  repository: fixture
services:
  a: { path: services/a, port: 4001 }
  b: { path: services/b, port: 4002, calls: [a] }
  c: { path: services/c, port: 4003, calls: [b] }
environments:
  dev:${environment("fx-dev", "null")}
  staging:${environment("fx-staging", "dev")}
  prod:${environment("fx-prod", "staging")}
`;
