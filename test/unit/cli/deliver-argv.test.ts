import { parseArgs } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import {
  analyzeArgs,
  DELIVER_COMMAND,
  type DeliveryTargets,
  deliverFailure,
  deliveryTargets,
  deployArgs,
  environmentName,
  promoteArgs,
  rollbackArgs,
  scaleArgs,
  statusArgs,
  watchArgs,
} from "../../../src/cli/deliver/argv.js";
import { run } from "../../../src/cli/deliver.js";
import { repoConfig } from "../this-repo.js";

let targets: DeliveryTargets;
beforeAll(async () => {
  targets = deliveryTargets(await repoConfig());
});

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const API = `127.0.0.1:5000/shop/api:abc@${digest("a")}`;
const CHECKOUT = `ghcr.io/acme/shop/checkout@${digest("b")}`;

describe("deliver command lines for an environment", () => {
  it("runs the CLI from the repository root through tsx with the source condition", () => {
    expect(DELIVER_COMMAND).toEqual(["node_modules/.bin/tsx", "--conditions=source", "src/cli/deliver.ts"]);
  });

  it("deploy: one --image per service, then revision, force and timeout when given", () => {
    expect(deployArgs(targets, "staging", { images: [`api=${API}`, `checkout=${CHECKOUT}`] })).toEqual([
      "deploy",
      "--env=staging",
      `--image=api=${API}`,
      `--image=checkout=${CHECKOUT}`,
    ]);
    expect(
      deployArgs(targets, "prod", { images: [` api=${API} `], revision: "4f2a9c1", force: true, timeoutSeconds: 600 }),
    ).toEqual(["deploy", "--env=prod", `--image=api=${API}`, "--revision=4f2a9c1", "--force", "--timeout=600"]);
  });

  it("keeps every value inside its own --flag=value argument, so nothing can pose as another flag", () => {
    const args = deployArgs(targets, "dev", { images: [`api=${API}`], revision: "--force release 7" });
    expect(args).toEqual(["deploy", "--env=dev", `--image=api=${API}`, "--revision=--force release 7"]);
    expect(args).not.toContain("--force");
  });

  it("deploy takes the bare references publish prints, each for the service its repository ends with", () => {
    expect(deployArgs(targets, "dev", { images: [API, CHECKOUT] })).toEqual([
      "deploy",
      "--env=dev",
      `--image=api=${API}`,
      `--image=checkout=${CHECKOUT}`,
    ]);
  });

  it("deploy refuses image lists it cannot release, naming the bad pair", () => {
    const deploy =
      (...images: string[]) =>
      () =>
        deployArgs(targets, "dev", { images });
    expect(deploy()).toThrow("images: give at least one [service=]image@sha256:<digest>");
    expect(deploy("127.0.0.1:5000/shop/api:1.0")).toThrow(
      'images: "127.0.0.1:5000/shop/api:1.0" is neither service=image nor an image pinned by digest',
    );
    expect(deploy(`127.0.0.1:5000/shop/cart@sha256:${"a".repeat(64)}`)).toThrow("names no service of pipeline.yaml");
    expect(deploy(API, `api=${API}`)).toThrow("images: api is given more than once");
    expect(deploy(`cart=${API}`)).toThrow(
      `images: "cart=${API}" names no service of pipeline.yaml (it declares: storefront, api, checkout, payments)`,
    );
    expect(deploy("api=127.0.0.1:5000/shop/api:1.0")).toThrow(
      'images: "api=127.0.0.1:5000/shop/api:1.0" is not pinned by digest',
    );
    expect(deploy(`api=ghcr.io/x/api@sha256:${"a".repeat(63)}`)).toThrow("is not pinned by digest");
    expect(deploy(`api=${API}`, `api=${CHECKOUT}`)).toThrow("images: api is given more than once");
    expect(() => deployArgs(targets, "dev", { images: [`api=${API}`], timeoutSeconds: 0 })).toThrow(
      "timeout must be a whole number of at least 1, got 0",
    );
  });

  it("rollback: a service and a revision only when given; without a service, the whole environment", () => {
    expect(rollbackArgs(targets, "prod")).toEqual(["rollback", "--env=prod"]);
    expect(rollbackArgs(targets, "prod", "checkout")).toEqual(["rollback", "--env=prod", "--service=checkout"]);
    expect(rollbackArgs(targets, "prod", "checkout", 3)).toEqual([
      "rollback",
      "--env=prod",
      "--service=checkout",
      "--to-revision=3",
    ]);
    expect(() => rollbackArgs(targets, "prod", "checkout", 1.5)).toThrow("toRevision must be a whole number");
    expect(() => rollbackArgs(targets, "prod", undefined, 3)).toThrow("toRevision needs a service");
    expect(() => rollbackArgs(targets, "prod", "cart")).toThrow(
      'unknown service "cart" (pipeline.yaml declares: storefront, api, checkout, payments)',
    );
  });

  it("scale: service and replicas, zero allowed, negative and fractional refused", () => {
    expect(scaleArgs(targets, "staging", "api", 3)).toEqual([
      "scale",
      "--env=staging",
      "--service=api",
      "--replicas=3",
    ]);
    expect(scaleArgs(targets, "staging", "api", 0)).toContain("--replicas=0");
    expect(() => scaleArgs(targets, "staging", "api", -1)).toThrow(
      "replicas must be a whole number of at least 0, got -1",
    );
    expect(() => scaleArgs(targets, "staging", "api", 2.5)).toThrow("replicas must be a whole number");
  });

  it("status and promote", () => {
    expect(statusArgs(targets, "dev", false)).toEqual(["status", "--env=dev"]);
    expect(statusArgs(targets, "dev", true)).toEqual(["status", "--env=dev", "--json"]);
    expect(promoteArgs(targets, "staging", "prod")).toEqual(["promote", "--from=staging", "--to=prod"]);
    expect(() => promoteArgs(targets, "prod", "prod")).toThrow("cannot promote prod to itself");
    expect(() => promoteArgs(targets, "staging", "production")).toThrow('unknown environment "production"');
  });

  it("promote passes the approver and the Prometheus URL, and refuses a blank approver or a URL that is not http(s)", () => {
    expect(
      promoteArgs(targets, "staging", "prod", { approvedBy: " jane@example.com ", prometheusUrl: "http://prom:9090" }),
    ).toEqual([
      "promote",
      "--from=staging",
      "--to=prod",
      "--approve=jane@example.com",
      "--prometheus-url=http://prom:9090",
    ]);
    expect(() => promoteArgs(targets, "staging", "prod", { approvedBy: "  " })).toThrow("approve: name who approves");
    expect(() => promoteArgs(targets, "staging", "prod", { prometheusUrl: "file:///etc/passwd" })).toThrow(
      'prometheusUrl: "file:///etc/passwd" is not an http(s) URL',
    );
    expect(
      deployArgs(targets, "dev", { images: [`api=${API}`], prometheusUrl: "https://prom.example:9090/" }),
    ).toContain("--prometheus-url=https://prom.example:9090/");
    expect(() => deployArgs(targets, "dev", { images: [`api=${API}`], prometheusUrl: "prom:9090" })).toThrow(
      "prometheusUrl",
    );
  });

  it("analyze, deploy and promote pass the storefront for synthetic load, only with a Prometheus to judge it", () => {
    expect(analyzeArgs(targets, "staging", "http://prom:9090", "http://storefront:3000")).toEqual([
      "analyze",
      "--env=staging",
      "--prometheus-url=http://prom:9090",
      "--load-url=http://storefront:3000",
    ]);
    expect(analyzeArgs(targets, "dev", "http://prom:9090")).toEqual([
      "analyze",
      "--env=dev",
      "--prometheus-url=http://prom:9090",
    ]);
    expect(
      promoteArgs(targets, "staging", "prod", { prometheusUrl: "http://prom:9090", loadUrl: "http://shop.example/" }),
    ).toContain("--load-url=http://shop.example/");
    expect(() => deployArgs(targets, "dev", { images: [`api=${API}`], loadUrl: "http://shop.example" })).toThrow(
      "loadUrl needs prometheusUrl",
    );
    expect(() => analyzeArgs(targets, "dev", "http://prom:9090", "storefront:3000")).toThrow(
      'loadUrl: "storefront:3000" is not an http(s) URL',
    );
    expect(() => analyzeArgs(targets, "qa", "http://prom:9090")).toThrow('unknown environment "qa"');
  });

  it("watch: one pass or a duration, the services named, Prometheus required", () => {
    expect(watchArgs(targets, "prod", "http://prom:9090", { once: true })).toEqual([
      "watch",
      "--env=prod",
      "--once",
      "--prometheus-url=http://prom:9090",
    ]);
    expect(watchArgs(targets, "prod", "http://prom:9090", { for: "1h" }, ["api", "checkout"])).toEqual([
      "watch",
      "--env=prod",
      "--for=1h",
      "--service=api",
      "--service=checkout",
      "--prometheus-url=http://prom:9090",
    ]);
    expect(() => watchArgs(targets, "prod", "http://prom:9090", { for: "an hour" })).toThrow(
      'for: "an hour" is not a duration such as 30m or 1h',
    );
    expect(() => watchArgs(targets, "prod", "http://prom:9090", { once: true }, ["cart"])).toThrow(
      'unknown service "cart"',
    );
    expect(() => watchArgs(targets, "prod", "prom", { once: true })).toThrow('prometheusUrl: "prom"');
  });

  it("an environment pipeline.yaml does not declare is named with the declared ones", () => {
    expect(environmentName(targets, "staging")).toBe("staging");
    expect(() => environmentName(targets, "qa")).toThrow(
      'unknown environment "qa" (pipeline.yaml declares: dev, staging, prod)',
    );
    expect(() => statusArgs(targets, "qa", false)).toThrow('unknown environment "qa"');
  });
});

describe("the one line a failed deliver run is reported with", () => {
  it("a failure: the last line, after the progress the CLI logged", () => {
    const stderr =
      "prod/api: applying\nprod/api: waiting for rollout\nprod/api: rollout failed: ProgressDeadlineExceeded\n";
    expect(deliverFailure(["rollback", "--env=prod"], 1, stderr)).toBe(
      "deliver rollback failed (exit 1): prod/api: rollout failed: ProgressDeadlineExceeded",
    );
  });

  it("a usage error: the first line, before the usage text", () => {
    const stderr = 'unknown command "deploy"\nUsage:\n  deliver scale --env <env> …\n';
    expect(deliverFailure(["deploy"], 2, stderr)).toBe('deliver deploy failed (exit 2): unknown command "deploy"');
  });

  it("no stderr at all still says so", () => {
    expect(deliverFailure(["status"], 137, "  \n")).toBe("deliver status failed (exit 137): (no output on stderr)");
  });
});

describe("the command lines against the parsers that read them", () => {
  it("node:util parseArgs reads every --flag=value back whole, repeated --image included", () => {
    const [, ...rest] = deployArgs(targets, "dev", {
      images: [`api=${API}`, `checkout=${CHECKOUT}`],
      revision: "-x y",
      force: true,
      timeoutSeconds: 90,
    });
    const { values } = parseArgs({
      args: rest,
      options: {
        env: { type: "string" },
        image: { type: "string", multiple: true },
        revision: { type: "string" },
        force: { type: "boolean" },
        timeout: { type: "string" },
      },
    });
    expect(values).toEqual({
      env: "dev",
      image: [`api=${API}`, `checkout=${CHECKOUT}`],
      revision: "-x y",
      force: true,
      timeout: "90",
    });
  });

  it("the deliver CLI takes every command line built here (and stops only for want of a kubeconfig)", async () => {
    const saved = process.env.KUBECONFIG;
    delete process.env.KUBECONFIG;
    try {
      for (const args of [
        deployArgs(targets, "dev", { images: [`api=${API}`], revision: "r1", force: true, timeoutSeconds: 60 }),
        statusArgs(targets, "prod", true),
        rollbackArgs(targets, "prod"),
        scaleArgs(targets, "dev", "api", 2),
        rollbackArgs(targets, "prod", "checkout", 3),
        promoteArgs(targets, "staging", "prod"),
        analyzeArgs(targets, "staging", "http://prom:9090", "http://storefront:3000"),
      ]) {
        let stderr = "";
        const code = await run(args, { write: () => true }, { write: (text: string) => (stderr += text) });
        expect({ args, code, line: stderr.split("\n")[0] }).toEqual({
          args,
          code: 2,
          line: "no kubeconfig: pass --kubeconfig <file> or set KUBECONFIG",
        });
      }
      // watch reads pipeline.yaml's scaling block before it needs a cluster, and this repository's has none
      let stderr = "";
      const args = watchArgs(targets, "prod", "http://prom:9090", { for: "30m" }, ["api"]);
      const code = await run(args, { write: () => true }, { write: (text: string) => (stderr += text) });
      expect({ code, line: stderr.trim() }).toEqual({
        code: 1,
        line: "environments.prod has no scaling block in pipeline.yaml: add one (at least maxReplicas) to let deliver watch scale it (docs/pipeline.md, Scaling)",
      });
    } finally {
      if (saved !== undefined) process.env.KUBECONFIG = saved;
    }
  });
});
