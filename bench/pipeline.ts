// bench:pipeline — `dagger call ci` cold, warm with no change, and after a one-line change in one service, each as
// wall time and as a ratio to the cold run, all in one run. Needs a Dagger engine and the dagger CLI.
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TARGETS = { warm: 0.15, oneService: 0.5 } as const;
const CHANGED_FILE = process.env.BENCH_CHANGED_FILE ?? "services/payments/src/server.ts";
const DAGGER = process.env._EXPERIMENTAL_DAGGER_CLI_BIN ?? "dagger";
const log = (message: string) => process.stdout.write(`${message}\n`);

const version = spawnSync(DAGGER, ["version"], { encoding: "utf8" });
if (version.error || version.status !== 0) {
  process.stderr.write(
    "bench:pipeline needs the dagger CLI and an engine (dagger on PATH, or _EXPERIMENTAL_DAGGER_CLI_BIN and _EXPERIMENTAL_DAGGER_RUNNER_HOST); none answered here\n",
  );
  process.exit(2);
}
log(`bench:pipeline — ${version.stdout.trim()}`);

// A clone, so the one-line change never touches the working tree.
const dir = mkdtempSync(join(tmpdir(), "bench-pipeline-"));
execFileSync("git", ["clone", "--quiet", "--local", process.cwd(), dir]);
try {
  const pruned = spawnSync(DAGGER, ["core", "engine", "local-cache", "prune"], { cwd: dir, stdio: "ignore" });
  if (pruned.status !== 0) log("warning: could not prune the engine's cache; the cold run may be partly cached");

  const cold = timeCi("cold ci", []);
  const warm = timeCi("warm ci, no change", []);
  appendFileSync(join(dir, CHANGED_FILE), "\n// bench:pipeline one-line change\n");
  const oneService = timeCi(`ci --base=HEAD after a one-line change in ${CHANGED_FILE}`, ["--base=HEAD"]);

  const row = (name: string, ms: number, target?: number) => {
    const ratio = ms / cold;
    const verdict =
      target === undefined ? "" : ratio <= target ? `  PASS (≤ ${target}×)` : `  MISS (target ≤ ${target}×)`;
    log(`${name.padEnd(24)} ${(ms / 1000).toFixed(1).padStart(8)} s  ${ratio.toFixed(2)}× cold${verdict}`);
    return target === undefined || ratio <= target;
  };
  log("");
  const ok = [
    row("cold", cold),
    row("warm, no change", warm, TARGETS.warm),
    row("one service changed", oneService, TARGETS.oneService),
  ];
  process.exitCode = ok.every(Boolean) ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function timeCi(what: string, args: readonly string[]): number {
  log(`${what}…`);
  const started = Date.now();
  const run = spawnSync(DAGGER, ["call", "ci", ...args], { cwd: dir, stdio: ["ignore", "inherit", "inherit"] });
  const ms = Date.now() - started;
  if (run.status !== 0) throw new Error(`${what} failed (exit ${run.status}); the figures would mean nothing`);
  log(`${what}: ${(ms / 1000).toFixed(1)} s`);
  return ms;
}
