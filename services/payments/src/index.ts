export { type BuildAppOptions, buildApp } from "./app.js";
export { type Config, configSchema } from "./config.js";
export type { ChargeOutcome, ChargeRequest, PaymentProvider } from "./provider/provider.js";
export { createSandboxProvider, SANDBOX_CARDS } from "./provider/sandbox.js";
