import { defineConfig } from "vitest/config";
import { nodeResolution } from "./test/support/vitest-resolution.js";

export default defineConfig({
  ...nodeResolution,
  test: {
    include: [
      "packages/*/test/**/*.test.ts",
      "services/*/test/**/*.test.ts",
      "test/unit/**/*.test.ts",
      "test/shop/**/*.test.ts",
      "scripts/test/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    globalSetup: ["test/support/postgres-global-setup.ts"],
  },
});
