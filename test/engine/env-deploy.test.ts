// env(dev): the published digests deployed to the tier-2 control plane from inside the engine, the API server
// reached through an --api-server service binding (its kubeconfig says https://127.0.0.1:<port>, which the engine's
// containers cannot reach), TLS verified against the certificate's real name; status shows what runs. deploy-report
// hands the CLI's JUnit and Markdown report out of the engine, for a deploy that succeeded and one that was refused.
import { readFileSync } from "node:fs";
import { dag } from "@dagger.io/dagger";
import { afterAll, beforeAll, expect, test } from "vitest";
import { EcommerceDelivery } from "../../src/index.js";
import { defaultClusterConfig, type RunningCluster, startCluster, stopCluster } from "../cluster/index.js";
import { prefixedLogger } from "../cluster/src/log.js";
import { parseJunit } from "../unit/report/junit-document.js";
import { hostSource, withDagger } from "./support/dagger.js";

const config = { ...defaultClusterConfig(), runDir: `/tmp/tier3-cluster-${process.pid}` };
const logger = prefixedLogger("tier3 cluster");
let cluster: RunningCluster;

beforeAll(async () => {
  cluster = await startCluster({ config, logger });
});

afterAll(async () => {
  await stopCluster({ config, logger });
});

test("publish, then env(dev).deploy of those digests through --api-server; status shows each digest", async () => {
  const port = new URL(cluster.state.server).port;
  const { references, deployed, status, again, refused } = await withDagger(import.meta.filename, async () => {
    const pipeline = new EcommerceDelivery(hostSource(), "24", "npm-cache", `tier3-env-${process.pid}`);
    const references = await pipeline.publish();
    const kubeconfig = dag.setSecret("tier3-kubeconfig", readFileSync(cluster.kubeconfig, "utf8"));
    const apiServer = dag.host().service([{ frontend: Number(port), backend: Number(port) }], { host: "127.0.0.1" });
    const dev = await pipeline.env("dev", kubeconfig, apiServer);
    const deployed = await dev.deploy(references, "tier3");
    const status = await dev.status(true);
    const again = await dev.deployReport(references, "tier3");
    // Pinned, but from a registry dev does not pull from: the CLI refuses it before anything reaches the cluster, and
    // the report says why.
    const elsewhere = references.map((r) => r.replace(/^[^/]+\//, "registry.invalid/"));
    const refused = await dev.deployReport(elsewhere, "tier3");
    const files = async (dir: typeof again) => ({
      exitCode: (await dir.file("exit-code").contents()).trim(),
      junit: await dir.file("deliver-deploy-dev.xml").contents(),
      markdown: await dir.file("deliver-deploy-dev.md").contents(),
    });
    return { references, deployed, status, again: await files(again), refused: await files(refused) };
  });
  expect(references).toHaveLength(4);
  expect(deployed).toMatch(/dev/);
  const running = JSON.parse(status) as { matchesCurrentRelease: boolean; services: { digest?: string }[] };
  expect(running.matchesCurrentRelease).toBe(true);
  expect(running.services.map((s) => s.digest).sort()).toEqual(references.map((r) => r.split("@")[1]).sort());

  // The same digests again: succeeded, every rollout unchanged.
  expect(again.exitCode).toBe("0");
  const againCases = parseJunit(again.junit).suites.flatMap((suite) => suite.cases);
  expect(againCases.filter((c) => c.result.kind !== "passed")).toEqual([]);
  expect(
    againCases
      .filter((c) => c.classname === "deliver.deploy.dev.rollout")
      .map((c) => c.name)
      .sort(),
  ).toEqual(["api", "checkout", "payments", "storefront"]);
  expect(again.markdown).toMatch(/^### ✅ deliver deploy dev: succeeded/);

  expect(refused.exitCode).toBe("1");
  const [command] = parseJunit(refused.junit).suites;
  expect(command?.cases[0]?.result).toMatchObject({ kind: "failure" });
  expect(refused.markdown).toMatch(/^### ❌ deliver deploy dev: FAILED/);
  expect(refused.markdown).toMatch(/registry\.invalid/);
});
