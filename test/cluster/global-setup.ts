// vitest globalSetup for tier-2 tests: one cluster for the whole run. Reuses a cluster started by
// `npm run cluster:up` (and leaves it running); otherwise starts one and stops it at the end.
// Tests find it with findRunningCluster(), inject("kubeconfig") or process.env.KUBECONFIG.
import type { TestProject } from "vitest/node";
import { consoleLogger, findRunningCluster, startCluster, stopCluster } from "./index.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Path of the test cluster's admin kubeconfig. */
    kubeconfig: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const running = await findRunningCluster();
  const cluster = running ?? (await startCluster({ logger: consoleLogger }));
  project.provide("kubeconfig", cluster.kubeconfig);
  process.env.KUBECONFIG = cluster.kubeconfig;
  return async () => {
    if (!running) await stopCluster({ logger: consoleLogger });
  };
}
