import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources through the "source" export condition. Vite's default
// "module" condition is left out on purpose: packages such as @opentelemetry/api (loaded by prom-client when it is
// installed) map it to ESM files that Node itself cannot import.
const conditions = ["source", "node", "development|production"];
const mainFields = ["main"];

export default defineConfig({
  resolve: { conditions, mainFields },
  ssr: { resolve: { conditions, mainFields } },
  test: {
    include: [
      "packages/*/test/**/*.test.ts",
      "services/*/test/**/*.test.ts",
      "test/unit/**/*.test.ts",
      "test/shop/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    globalSetup: ["test/support/postgres-global-setup.ts"],
  },
});
