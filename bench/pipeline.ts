// bench:pipeline — ci() in client mode on the tier-3 engine: cold (engine cache pruned first), warm with no change,
// and ci --base=HEAD after a one-line change in one service; wall time and ratio to the cold run, all in one run.
// Starts the engine setup (npm run engine:up) when none runs; exits 2 saying so when no engine is installed.
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connection, dag } from "@dagger.io/dagger";
import { EcommerceDelivery } from "../src/index.js";
import { prefixedLogger } from "../test/cluster/src/log.js";
import { hostGit, hostSource } from "../test/engine/src/host-source.js";
import { findRunningEngine, startEngineSetup, stopEngineSetup } from "../test/engine/src/setup.js";

const TARGETS = { warm: 0.02, oneService: 0.35 } as const;
const CHANGED_FILE = process.env.BENCH_CHANGED_FILE ?? "services/payments/src/server.ts";
const log = (message: string) => process.stdout.write(`${message}\n`);
const logger = prefixedLogger("bench");

const running = await findRunningEngine();
let state: Awaited<ReturnType<typeof startEngineSetup>>;
try {
  state = running ?? (await startEngineSetup(logger));
} catch (error) {
  process.stderr.write(`bench:pipeline: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
Object.assign(process.env, state.clientEnv);
log(`bench:pipeline — engine ${state.engineVersion}, client mode`);

// A clone, so the one-line change never touches the working tree.
const dir = mkdtempSync(join(tmpdir(), "bench-pipeline-"));
execFileSync("git", ["clone", "--quiet", "--local", process.cwd(), dir]);
try {
  const cold = await timeCi("cold ci (engine cache pruned)", undefined, true);
  const warm = await timeCi("warm ci, no change");
  appendFileSync(join(dir, CHANGED_FILE), "// bench:pipeline one-line change\n");
  const oneService = await timeCi(`ci --base=HEAD after a one-line change in ${CHANGED_FILE}`, "HEAD");

  const row = (name: string, ms: number, target?: number) => {
    const ratio = ms / cold;
    const verdict =
      target === undefined ? "" : ratio <= target ? `  PASS (≤ ${target}×)` : `  MISS (target ≤ ${target}×)`;
    log(`${name.padEnd(24)} ${(ms / 1000).toFixed(1).padStart(8)} s  ${ratio.toFixed(3)}× cold${verdict}`);
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
  if (!running) await stopEngineSetup(logger);
}

async function timeCi(what: string, base?: string, pruneFirst = false): Promise<number> {
  log(`${what}…`);
  let ms = 0;
  await connection(async () => {
    if (pruneFirst) await dag.engine().localCache().prune();
    const pipeline = new EcommerceDelivery(hostSource(dir));
    const git = hostGit(dir);
    const started = Date.now();
    const summary = await (base ? pipeline.ci(base, git) : pipeline.ci());
    ms = Date.now() - started;
    log(summary);
  });
  log(`${what}: ${(ms / 1000).toFixed(1)} s\n`);
  return ms;
}
