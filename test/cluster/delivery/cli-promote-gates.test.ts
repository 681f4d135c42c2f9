// deliver promote's gates, spawned as a user runs it: prod requires approval (pipeline.yaml), and staging, given an
// analysis block here, must have a Successful analysis of what it runs. Staging's analysis queries a real
// Prometheus (Debian's binary) scraping one real local HTTP server per service, labelled as its pods would be.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { digestLabelValue } from "../../../src/delivery/manifests/labels.js";
import type { EnvironmentStatus } from "../../../src/delivery/status.js";
import { TARGET_LABELS } from "../../../src/monitoring/scrape-config.js";
import { driveLoad, type RevisionServer, startRevisionServer } from "../../support/revision-server.js";
import { type RunningPrometheus, startPrometheus } from "../../unit/analysis/real-prometheus.js";
import { expectOneLineError, testEnvironment } from "./environment-fixture.js";
import { createShopNamespace, deleteNamespace, fakeImage, readDeployment, testKubeConfig } from "./helpers.js";

// The CLI reads $PROMETHEUS_URL when --prometheus-url is not given; these runs must not inherit one.
delete process.env.PROMETHEUS_URL;

const kubeConfig = testKubeConfig();
const { config, configFile, namespaces, deliver } = testEnvironment("promote-gates", ["staging", "prod"]);
const staging = namespaces.staging ?? "";
const prod = namespaces.prod ?? "";
const services = Object.keys(config.services);
const image = (service: string) => fakeImage(config, service, "gates-v1");
const imageArgs = services.flatMap((s) => ["--image", `${s}=${image(s)}`]);

// Staging gets an analysis block: dev-like timing (every second over 5 s), its own SLO and default metrics.
const doc = parseDocument(readFileSync(configFile, "utf8"));
doc.setIn(
  ["environments", "staging", "analysis"],
  doc.createNode({ interval: "1s", count: 3, initialDelay: "3s", window: "5s" }),
);
writeFileSync(configFile, doc.toString());

async function status(env: string): Promise<EnvironmentStatus> {
  const run = await deliver(["status", "--env", env, "--json"]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as EnvironmentStatus;
}

describe("deliver promote: approval and analysis gates", () => {
  let prometheus: RunningPrometheus | undefined;
  const servers: RevisionServer[] = [];
  let load: { stop(): Promise<void> } | undefined;
  let release = "";

  beforeAll(async () => {
    await Promise.all([
      createShopNamespace(kubeConfig, staging, services),
      createShopNamespace(kubeConfig, prod, services),
    ]);
    servers.push(...(await Promise.all(services.map(() => startRevisionServer()))));
    load = driveLoad(servers, { concurrency: 1, pauseMs: 40 });
    prometheus = await startPrometheus(
      services.map((service, i) => ({
        address: (servers[i] as RevisionServer).address,
        labels: {
          [TARGET_LABELS.namespace]: staging,
          [TARGET_LABELS.service]: service,
          [TARGET_LABELS.revision]: digestLabelValue(image(service).split("@")[1] ?? ""),
        },
      })),
    );
  }, 60_000);

  afterAll(async () => {
    await load?.stop();
    await prometheus?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all([deleteNamespace(kubeConfig, staging), deleteNamespace(kubeConfig, prod)]);
  });

  it("refuses to promote a staging release that was deployed without analysis, naming env, release and what is missing", async () => {
    const deployed = await deliver(["deploy", "--env", "staging", ...imageArgs]);
    expect(deployed.code, deployed.stderr).toBe(0);
    release = /^deployed release ([0-9a-f]{12}) /.exec(deployed.stdout)?.[1] ?? "";
    expect(deployed.stdout).toContain("analysis: NotRun, not verified at ");
    expect(deployed.stderr).toContain(
      `warning: release ${release}: not analysed: staging has analysis configured but no Prometheus URL was given (--prometheus-url or PROMETHEUS_URL); it cannot be promoted from staging until it is`,
    );

    const run = await deliver(["promote", "--from", "staging", "--to", "prod", "--approve", "alice@example.com"]);
    expectOneLineError(
      run,
      `cannot promote staging to prod: staging has analysis configured and its current release ${release} was not analysed (not analysed: staging has analysis configured but no Prometheus URL was given (--prometheus-url or PROMETHEUS_URL)); analyse it with deliver analyze --env staging --prometheus-url <url> (Dagger: env analyze)`,
    );
    await expect(readDeployment(kubeConfig, prod, "api")).rejects.toMatchObject({ code: 404 });
  }, 180_000);

  it("refuses to promote into prod without --approve, and deploys nothing", async () => {
    const run = await deliver(["promote", "--from", "staging", "--to", "prod"]);
    expectOneLineError(
      run,
      "promoting staging to prod needs an approval (environments.prod.promotion.requiresApproval is true): run it again with --approve <who> (approvedBy) once someone has approved it",
    );
    await expect(readDeployment(kubeConfig, prod, "api")).rejects.toMatchObject({ code: 404 });
  });

  it("after deliver analyze judges the running release Successful, promotes it with the approver recorded", async () => {
    const url = (prometheus as RunningPrometheus).url;
    const reports = mkdtempSync(join(tmpdir(), "analyze-report-"));
    const generation = (await readDeployment(kubeConfig, staging, "api")).metadata?.generation;
    const analysed = await deliver(["analyze", "--env", "staging", "--prometheus-url", url, "--report-dir", reports]);
    expect(analysed.code, analysed.stderr).toBe(0);
    expect(analysed.stdout.split("\n")[0]).toBe(`analysed release ${release} in staging (${staging})`);
    expect(analysed.stdout).toMatch(/\nanalysis: Successful, verified at \S+\n/);
    for (const service of services) {
      expect(analysed.stdout).toMatch(new RegExp(`\\n  ${service} +Successful revision [0-9a-f]{12}: error-ratio`));
    }
    const junit = readFileSync(join(reports, "deliver-analyze-staging.xml"), "utf8");
    expect(junit).toContain('failures="0"');
    expect(junit).toContain("error-ratio");
    // what runs was not touched
    expect((await readDeployment(kubeConfig, staging, "api")).metadata?.generation).toBe(generation);

    const run = await deliver(["promote", "--from", "staging", "--to", "prod", "--approve", "alice@example.com"]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toBe(
      `promoted staging to prod: release ${release} (changed: api, payments, checkout, storefront)`,
    );
    expect(lines[1]).toMatch(/^approved by alice@example\.com at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(run.stderr).toContain("promotion of staging to prod approved by alice@example.com at ");

    const now = await status("prod");
    expect(now.currentRelease).toBe(release);
    expect(now.matchesCurrentRelease).toBe(true);
    expect(now.releases.current?.approval?.by).toBe("alice@example.com");
    expect(now.releases.current?.approval?.at).toBe(lines[1]?.split(" at ")[1]);
    expect(now.releases.current?.promotedFrom).toEqual({ env: "staging", release });
    const text = await deliver(["status", "--env", "prod"]);
    expect(text.stdout).toContain(`\n  approved by alice@example.com at ${now.releases.current?.approval?.at}\n`);
  }, 240_000);
});
