// env(dev): the published digests deployed to the tier-2 control plane from inside the engine, the API server
// reached through an --api-server service binding (its kubeconfig says https://127.0.0.1:<port>, which the engine's
// containers cannot reach), TLS verified against the certificate's real name; status shows what runs.
import { readFileSync } from "node:fs";
import { dag } from "@dagger.io/dagger";
import { afterAll, beforeAll, expect, test } from "vitest";
import { EcommerceDelivery } from "../../src/index.js";
import { defaultClusterConfig, type RunningCluster, startCluster, stopCluster } from "../cluster/index.js";
import { prefixedLogger } from "../cluster/src/log.js";
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
  const { references, deployed, status } = await withDagger(import.meta.filename, async () => {
    const pipeline = new EcommerceDelivery(hostSource(), "24", "npm-cache", `tier3-env-${process.pid}`);
    const references = await pipeline.publish();
    const kubeconfig = dag.setSecret("tier3-kubeconfig", readFileSync(cluster.kubeconfig, "utf8"));
    const apiServer = dag.host().service([{ frontend: Number(port), backend: Number(port) }], { host: "127.0.0.1" });
    const dev = await pipeline.env("dev", kubeconfig, apiServer);
    const deployed = await dev.deploy(references, "tier3");
    return { references, deployed, status: await dev.status(true) };
  });
  expect(references).toHaveLength(4);
  expect(deployed).toMatch(/dev/);
  const running = JSON.parse(status) as { matchesCurrentRelease: boolean; services: { digest?: string }[] };
  expect(running.matchesCurrentRelease).toBe(true);
  expect(running.services.map((s) => s.digest).sort()).toEqual(references.map((r) => r.split("@")[1]).sort());
});
