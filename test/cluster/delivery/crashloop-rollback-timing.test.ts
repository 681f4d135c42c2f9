// Time from a failed rollout being visible in the API to the rollback being complete, for crash-looping
// pods, over 5 runs; availability never drops below replicas - maxUnavailable in any of them. And with
// failAfterRestarts, a crash loop fails the rollout long before its progress deadline.
import { afterAll, beforeAll, expect, it } from "vitest";
import { DeployRolledBackError } from "../../../src/delivery/errors.js";
import { deployWithRollback } from "../../../src/delivery/rollback.js";
import {
  deleteNamespace,
  demoDeployment,
  IMAGE,
  readDeployment,
  sampleAvailability,
  testKubeConfig,
  uniqueNamespace,
} from "./helpers.js";

const kubeConfig = testKubeConfig();
const namespace = uniqueNamespace("delivery-timing");
const replicas = 3;
const runs = 5;

beforeAll(async () => {
  await deployWithRollback([demoDeployment(namespace, "v1", { replicas })], { kubeConfig, timeoutMs: 60_000 });
});
afterAll(async () => {
  await deleteNamespace(kubeConfig, namespace);
});

it(
  `rolls back a crashloop- image ${runs} times; reports median and worst time from failure to healthy`,
  async () => {
    const times: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const sampler = sampleAvailability(kubeConfig, namespace, { name: "demo" });
      let failureVisible = 0;
      const err = await deployWithRollback(
        [demoDeployment(namespace, `crashloop-${run}`, { replicas, progressDeadlineSeconds: 5 })],
        {
          kubeConfig,
          timeoutMs: 60_000,
          onProgress: (p) => {
            if (p.failed) failureVisible ||= Date.now();
          },
        },
      ).catch((e: unknown) => e);
      const complete = Date.now();
      const samples = await sampler.stop();
      expect(err).toBeInstanceOf(DeployRolledBackError);
      expect((err as Error).message).toContain("ProgressDeadlineExceeded");
      expect(failureVisible).toBeGreaterThan(0);
      expect(Math.min(...samples.map((s) => s.available))).toBeGreaterThanOrEqual(replicas);
      const d = await readDeployment(kubeConfig, namespace);
      expect(d.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE}:v1`);
      times.push(complete - failureVisible);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const worst = sorted.at(-1) ?? 0;
    console.log(
      `crashloop- rollback, failure visible -> rollback complete over ${runs} runs: ${times.join(", ")} ms; median ${median} ms, worst ${worst} ms`,
    );
    expect(worst).toBeLessThan(30_000);
  },
  10 * 60_000,
);

it("fails a crash-looping rollout on CrashLoopBackOff, long before a 10-minute progress deadline, and rolls it back", async () => {
  const sampler = sampleAvailability(kubeConfig, namespace, { name: "demo" });
  const started = Date.now();
  // Without the crash-loop check this would end in RolloutTimeoutError after 2 minutes, not ProgressDeadlineExceeded.
  const err = await deployWithRollback(
    [demoDeployment(namespace, "crashloop-fast", { replicas, progressDeadlineSeconds: 600 })],
    { kubeConfig, timeoutMs: 120_000, failAfterRestarts: 2 },
  ).catch((e: unknown) => e);
  const samples = await sampler.stop();
  expect(err).toBeInstanceOf(DeployRolledBackError);
  expect((err as Error).message).toMatch(
    /failed at revision \d+: CrashLoopBackOff \(container app restarted [2-9] times; last exit code 1 \(Error\)\); rolled back, now serving revision/,
  );
  expect(Math.min(...samples.map((s) => s.available))).toBeGreaterThanOrEqual(replicas);
  const d = await readDeployment(kubeConfig, namespace);
  expect(d.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE}:v1`);
  console.log(
    `crashloop- with failAfterRestarts 2: failed and rolled back ${Date.now() - started} ms after the deploy began`,
  );
}, 180_000);
