import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { nodeResolution } from "../support/vitest-resolution.js";
import { externalTarget } from "./support/external-target.js";

// The real-browser tier (see README.md): Debian's Chromium against the whole shop started by each file. One file at a
// time: each starts four services and a browser, which is all a small CI machine can take at once. Against an
// external shop (E2E_*_URL, see support/external-target.ts) there is nothing to start, PostgreSQL included.

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  ...nodeResolution,
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    pool: "forks",
    fileParallelism: false,
    globalSetup: [
      "test/e2e/support/require-chromium.ts",
      ...(externalTarget() ? [] : ["test/support/postgres-global-setup.ts"]),
    ],
  },
});
