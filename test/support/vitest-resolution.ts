// How every vitest tier resolves modules. Workspace packages resolve to their TypeScript sources through the
// "source" export condition. Vite's default "module" condition is left out on purpose: packages such as
// @opentelemetry/api (loaded by prom-client when it is installed) map it to ESM files that Node itself cannot import.
const conditions = ["source", "node", "development|production"];
const mainFields = ["main"];

/** The `resolve` and `ssr.resolve` settings of a vitest config. */
export const nodeResolution = {
  resolve: { conditions, mainFields },
  ssr: { resolve: { conditions, mainFields } },
};
