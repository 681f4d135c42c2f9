// ci(): lint, typecheck, each service's tests and the images side by side, then integration; a summary at the end.
import { ExecError } from "@dagger.io/dagger";
import type { Delivery } from "./context.js";
import { lintContainer, serviceImage, serviceTests, typecheckContainer } from "./image.js";
import { runIntegration } from "./integration/run.js";
import { CiFailedError, formatSummary, type StepResult, skippedStep, testTally, timedStep } from "./summary.js";

/** Runs every step; resolves to the summary, or rejects with CiFailedError naming the failed steps and their output. */
export async function runCi(delivery: Delivery, now: () => number = Date.now): Promise<string> {
  const started = now();
  const step = (name: string, work: () => Promise<{ detail?: string }>) => timedStep(name, work, describeError, now);

  // Independent steps: started together, each awaited inside its own timer.
  const checks = await Promise.all([
    step("lint", async () => {
      await lintContainer(delivery).sync();
      return {};
    }),
    step("typecheck", async () => {
      await typecheckContainer(delivery).sync();
      return {};
    }),
    ...delivery.plans.map((plan) =>
      step(`test ${plan.name}`, async () => {
        const output = await serviceTests(delivery, plan).stdout();
        return { detail: testTally(output) };
      }),
    ),
    step("build", async () => {
      await Promise.all(delivery.plans.map((plan) => serviceImage(delivery, plan).sync()));
      return { detail: `${delivery.plans.length} images: ${delivery.plans.map((p) => p.name).join(", ")}` };
    }),
  ]);

  const results: StepResult[] = [...checks];
  if (checks.every((r) => r.status === "passed")) {
    results.push(
      await step("integration", async () => {
        const report = await runIntegration(delivery);
        return { detail: report.trim().split("\n").pop() };
      }),
    );
  } else {
    results.push(skippedStep("integration", "an earlier step failed"));
  }

  const totalMs = now() - started;
  if (results.some((r) => r.status === "failed")) throw new CiFailedError(results, totalMs);
  return formatSummary(results, totalMs);
}

/** A failed command's own words: what ran, its exit code, stdout and stderr. */
export function describeError(error: unknown): string {
  if (error instanceof ExecError) {
    return [`$ ${error.cmd.join(" ")}`, `exit code ${error.exitCode}`, error.stdout, error.stderr]
      .filter((part) => part.trim() !== "")
      .join("\n");
  }
  return error instanceof Error ? error.message : String(error);
}
