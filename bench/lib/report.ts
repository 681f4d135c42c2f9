import { median, type PhaseResult } from "./load.js";
import { SHAPE_COMMITS, SHAPE_REQUESTS } from "./skeleton.js";

const MB = 1024 * 1024;
export const TARGETS = { catalogVsA: 0.5, checkoutVsB: 0.15, checkoutP99Ms: 250, rssMb: 150 };

/**
 * Prints the phases, their ratios to the baselines and the targets; returns true when a target was missed. The
 * catalog's ratio is the median of its rounds' (catalog and baseline A are measured in alternating rounds).
 */
export function printReport(
  phases: readonly PhaseResult[],
  catalogRatios: readonly number[],
  peakRssBytes: Readonly<Record<string, number>>,
  log: (line: string) => void,
): boolean {
  const [a, b, catalog, checkout] = phases;
  if (!a || !b || !catalog || !checkout) throw new Error("bench:shop needs its first four phases");
  log("");
  log(
    `${"phase".padEnd(40)} ${"req/s".padStart(9)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"done".padStart(7)} ${"failed".padStart(7)}`,
  );
  for (const p of phases) {
    log(
      `${p.name.padEnd(40)} ${p.requestsPerSecond.toFixed(0).padStart(9)} ${p.p50Ms.toFixed(1).padStart(8)} ${p.p99Ms
        .toFixed(1)
        .padStart(8)} ${String(p.completed).padStart(7)} ${String(p.failures).padStart(7)}`,
    );
  }
  const catalogRatio = median(catalogRatios);
  const checkoutRatio = checkout.requestsPerSecond / b.requestsPerSecond;
  const rssRows = Object.entries(peakRssBytes).map(([name, bytes]) => ({ name, mb: bytes / MB }));
  const checks = [
    {
      what: `catalog list / baseline A = ${catalogRatio.toFixed(2)}× (median of ${catalogRatios
        .map((ratio) => ratio.toFixed(2))
        .join(", ")})`,
      ok: catalogRatio >= TARGETS.catalogVsA,
      target: `≥ ${TARGETS.catalogVsA}×`,
    },
    {
      what: `checkouts / baseline B = ${checkoutRatio.toFixed(2)}×`,
      ok: checkoutRatio >= TARGETS.checkoutVsB,
      target: `≥ ${TARGETS.checkoutVsB}×`,
    },
    {
      what: `checkout p99 = ${checkout.p99Ms.toFixed(0)} ms`,
      ok: checkout.p99Ms <= TARGETS.checkoutP99Ms,
      target: `≤ ${TARGETS.checkoutP99Ms} ms`,
    },
    { what: `checkout failures = ${checkout.failures}`, ok: checkout.failures === 0, target: "0" },
    ...rssRows.map((r) => ({
      what: `peak RSS ${r.name} = ${r.mb.toFixed(0)} MB`,
      ok: r.mb < TARGETS.rssMb,
      target: `< ${TARGETS.rssMb} MB`,
    })),
  ];
  log("");
  for (const check of checks) log(`${check.ok ? "PASS" : "MISS"}  ${check.what.padEnd(44)} target ${check.target}`);
  return checks.some((check) => !check.ok);
}

/**
 * Prints how far the shape of the checkout path alone lets it go: the skeleton (phase 5) makes the same requests and
 * commits with no logic, so its ratio to baseline B bounds what any implementation of this shape can reach.
 */
export function printCeiling(
  phases: readonly PhaseResult[],
  skeletonCostInCommits: number,
  measuredCommitsPerCheckout: number,
  log: (line: string) => void,
): void {
  const [, b, , checkout, skeleton] = phases;
  if (!b || !checkout || !skeleton) throw new Error("bench:shop needs the baseline, checkout and skeleton phases");
  const skeletonRatio = skeleton.requestsPerSecond / b.requestsPerSecond;
  log(
    `${"the shape's ceiling".padEnd(30)} the skeleton (${SHAPE_COMMITS} commits, ${SHAPE_REQUESTS} requests served, no logic) reaches ` +
      `${skeletonRatio.toFixed(3)}× baseline B and costs ${skeletonCostInCommits.toFixed(1)} commits of CPU; the ` +
      `checkout runs at ${(checkout.requestsPerSecond / skeleton.requestsPerSecond).toFixed(2)}× its skeleton`,
  );
  if (Math.round(measuredCommitsPerCheckout) !== SHAPE_COMMITS) {
    log(
      `WARN  the checkout made ${measuredCommitsPerCheckout.toFixed(2)} commits, the skeleton ${SHAPE_COMMITS}: ` +
        "update CHECKOUT_SHAPE in bench/lib/skeleton.ts",
    );
  }
}
