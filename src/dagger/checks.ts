// lint() and typecheck(): the whole repository, each paying only for what its tool needs, so that a one-file change
// reruns the tool and nothing else.
import { CacheSharingMode, type Container, dag } from "@dagger.io/dagger";
import { toolContainer, withSource } from "../../modules/node-service/src/lib.js";
import type { Delivery } from "./context.js";
import { developmentContainer } from "./image.js";

/** Biome ships its binary as a platform package and reads no other dependency: the lockfile's version alone. */
const LINT_TOOLS = ["@biomejs/biome"] as const;
/** tsc's incremental state, kept in a cache volume: a run after a one-file change re-checks what that file reaches. */
const TSC_STATE_DIR = "/var/cache/tsc";
const DEFAULT_TSC_CACHE = "tsc-incremental";

/** `biome check .` over the source, with only Biome installed (the install layer changes only with its version). */
export function lintContainer(delivery: Delivery): Container {
  return withSource(
    toolContainer(delivery.toolchain, delivery.lockfile, LINT_TOOLS),
    delivery.settings.source,
  ).withExec(["node_modules/.bin/biome", "check", "."]);
}

/**
 * `tsc --noEmit` with the root tsconfig.json on the development container (its `npm ci` layer is the one every
 * test run shares), resuming from the incremental state of the last run. The state is only a cache: tsc compares
 * file contents, so a stale or missing one costs time, never a wrong answer; LOCKED keeps two runs from writing it
 * at once.
 */
export function typecheckContainer(delivery: Delivery): Container {
  return developmentContainer(delivery)
    .withMountedCache(TSC_STATE_DIR, dag.cacheVolume(delivery.settings.tscCache || DEFAULT_TSC_CACHE), {
      sharing: CacheSharingMode.Locked,
    })
    .withExec([
      "node_modules/.bin/tsc",
      "-p",
      "tsconfig.json",
      "--noEmit",
      "--incremental",
      "--tsBuildInfoFile",
      `${TSC_STATE_DIR}/tsconfig.tsbuildinfo`,
    ]);
}
