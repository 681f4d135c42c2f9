// ci(): lint, typecheck, the selected services' tests and images side by side, then integration; a summary at the end,
// or (ciReport) the same steps as JUnit and Markdown files.
import { type Directory, dag, ExecError } from "@dagger.io/dagger";
import { type CiSelection, fullSelection } from "../plan/selection.js";
import { CiFailedError, formatSummary, type StepResult, skippedStep, testTally, timedStep } from "../plan/summary.js";
import { CI_REPORT_FILES, type CiRun, ciPassed, renderCiJunit, renderCiMarkdown } from "../report/ci.js";
import { lintContainer, typecheckContainer } from "./checks.js";
import type { Delivery } from "./context.js";
import { serviceImage, serviceTests } from "./image.js";
import { runIntegration } from "./integration.js";

/**
 * Runs lint and typecheck, and the tests, images and integration `selection` asks for (by default every service);
 * resolves to the summary, or rejects with CiFailedError naming the failed steps and their output.
 */
export async function runCi(
  delivery: Delivery,
  selection: CiSelection = fullSelection(delivery.plans),
  now: () => number = Date.now,
): Promise<string> {
  const run = await runCiSteps(delivery, selection, now);
  if (!ciPassed(run)) throw new CiFailedError(run.results, run.totalMs, run.note);
  return formatSummary(run.results, run.totalMs, run.note);
}

/**
 * The same steps as runCi, reported as files: ci.xml (JUnit) and ci.md (Markdown). A failed step is in the report,
 * not an error: the caller exports the directory either way and fails the job on its own (docs/pipeline.md, "Reports for the CI runner").
 */
export async function ciReportDirectory(
  delivery: Delivery,
  selection: CiSelection = fullSelection(delivery.plans),
): Promise<Directory> {
  const run = await runCiSteps(delivery, selection);
  return dag
    .directory()
    .withNewFile(CI_REPORT_FILES.junit, renderCiJunit(run))
    .withNewFile(CI_REPORT_FILES.markdown, renderCiMarkdown(run));
}

/** Runs the steps; never throws for a failed step (each result says how it ended). */
export async function runCiSteps(
  delivery: Delivery,
  selection: CiSelection,
  now: () => number = Date.now,
): Promise<CiRun> {
  const started = now();
  const step = (name: string, work: () => Promise<{ detail?: string }>) => timedStep(name, work, describeError, now);
  const { services, idleReason } = selection;

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
    ...services.map((plan) =>
      step(`test ${plan.name}`, async () => {
        const output = await serviceTests(delivery, plan).stdout();
        return { detail: testTally(output) };
      }),
    ),
    services.length === 0
      ? skippedStep("build", idleReason ?? "no service selected")
      : step("build", async () => {
          await Promise.all(services.map((plan) => serviceImage(delivery, plan).sync()));
          const count = services.length === 1 ? "1 image" : `${services.length} images`;
          return { detail: `${count}: ${services.map((p) => p.name).join(", ")}` };
        }),
  ]);

  const results: StepResult[] = [...checks];
  if (!selection.integration) {
    results.push(skippedStep("integration", idleReason ?? "not selected"));
  } else if (checks.every((r) => r.status !== "failed")) {
    results.push(
      await step("integration", async () => {
        const report = await runIntegration(delivery);
        return { detail: report.trim().split("\n").pop() };
      }),
    );
  } else {
    results.push(skippedStep("integration", "an earlier step failed"));
  }

  return {
    results,
    startedAt: new Date(started).toISOString(),
    totalMs: now() - started,
    ...(selection.note === undefined ? {} : { note: selection.note }),
  };
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
