import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { nodeResolution } from "../support/vitest-resolution.js";

// Tier 3: the module's functions in client mode on a real Dagger engine (see README.md). One file at a time: they
// share the engine, whose cache some of them measure.

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  ...nodeResolution,
  test: {
    include: ["test/engine/**/*.test.ts"],
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
    pool: "forks",
    fileParallelism: false,
    globalSetup: ["test/engine/global-setup.ts"],
  },
});
