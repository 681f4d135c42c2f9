import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { nodeResolution } from "../support/vitest-resolution.js";

// The cluster's own tests, until the tier-2 config takes them in:
//   npx vitest run --config test/cluster/vitest.config.ts
export default defineConfig({
  ...nodeResolution,
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    include: ["**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60 * 60_000,
    pool: "forks",
    fileParallelism: false,
    globalSetup: ["global-setup.ts"],
  },
});
