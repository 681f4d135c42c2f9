import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { nodeResolution } from "../support/vitest-resolution.js";

// The pods tier (npm run test:pods): the shop's own images in real pods on the real kubelet node, scraped by a real
// Prometheus. One cluster, one registry and one Prometheus for the whole run (global-setup.ts); files run one at a
// time, as they share the node's two cores.
export default defineConfig({
  ...nodeResolution,
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    include: ["**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 60 * 60_000,
    pool: "forks",
    fileParallelism: false,
    globalSetup: ["global-setup.ts"],
  },
});
