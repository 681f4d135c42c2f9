// How the Dagger perf gate lays out its shops: Prometheus' configuration (checked by Debian's promtool) with every
// service of both sides labelled as the analysis selects it, and the deliver command the gate's container runs.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { perfGateArgs, perfGatePrometheusConfig, sideHost } from "../../../src/plan/perf-gate.js";
import type { ServicePlan } from "../../../src/plan/plan.js";
import { promtool } from "../monitoring/promtool.js";
import { repoPlans } from "../this-repo.js";

const digest = (fill: string) => `sha256:${fill.repeat(64)}`;
let plans: ServicePlan[];
let digests: { candidate: Record<string, string>; baseline: Record<string, string> };

beforeAll(async () => {
  plans = await repoPlans();
  digests = {
    candidate: Object.fromEntries(plans.map((plan) => [plan.name, digest("c")])),
    baseline: Object.fromEntries(plans.map((plan) => [plan.name, digest("b")])),
  };
});

describe("the perf gate's Prometheus", () => {
  it("scrapes every service of both shops at <side>-<service>:<port>, labelled with namespace, service and revision", () => {
    const config = parse(perfGatePrometheusConfig(plans, "shop-dev", digests)) as {
      global: { scrape_interval: string };
      scrape_configs: { job_name: string; static_configs: { targets: string[]; labels: Record<string, string> }[] }[];
    };
    expect(config.global.scrape_interval).toBe("2s");
    const [job] = config.scrape_configs;
    expect(job?.job_name).toBe("perf-gate");
    const checkout = plans.find((plan) => plan.name === "checkout") as ServicePlan;
    expect(job?.static_configs).toContainEqual({
      targets: [`candidate-checkout:${checkout.port}`],
      labels: { namespace: "shop-dev", service: "checkout", revision: "cccccccccccc" },
    });
    expect(job?.static_configs).toContainEqual({
      targets: [`baseline-checkout:${checkout.port}`],
      labels: { namespace: "shop-dev", service: "checkout", revision: "bbbbbbbbbbbb" },
    });
    expect(job?.static_configs).toHaveLength(plans.length * 2);
  });

  it("passes promtool check config", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "perf-gate-")), "prometheus.yml");
    writeFileSync(file, perfGatePrometheusConfig(plans, "shop-dev", digests));
    expect(await promtool("check", "config", file)).toContain("SUCCESS");
  });

  it("refuses a side without a digest for a service", () => {
    const { api: _api, ...withoutApi } = digests.baseline;
    expect(() => perfGatePrometheusConfig(plans, "shop-dev", { ...digests, baseline: withoutApi })).toThrow(
      "perf gate: no baseline digest for api",
    );
  });
});

describe("the gate's deliver command", () => {
  it("points at Prometheus and both storefronts by their bound names and passes every digest", () => {
    const storefront = plans.find((plan) => plan.name === "storefront") as ServicePlan;
    const args = perfGateArgs({ env: "staging", storefront, digests });
    expect(args.slice(0, 5)).toEqual(["perf-gate", "--env", "staging", "--prometheus-url", "http://prometheus:9090"]);
    expect(args).toContain(`http://${sideHost("candidate", "storefront")}:${storefront.port}`);
    expect(args).toContain(`http://${sideHost("baseline", "storefront")}:${storefront.port}`);
    expect(args.filter((arg) => arg === "--candidate")).toHaveLength(plans.length);
    expect(args).toContain(`api=${digest("b")}`);
  });
});
