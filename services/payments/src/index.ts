export { type BuildAppOptions, buildApp } from "./app.js";
export { type Config, configSchema } from "./config.js";
export { CRASH_POINTS, type CrashPoint } from "./fault-injection.js";
export {
  ChargeKeyClosedError,
  type ChargeOutcome,
  type ChargeRequest,
  type PaymentProvider,
  type ResolvedCharge,
} from "./provider/provider.js";
export { createSandboxProvider, SANDBOX_CARDS } from "./provider/sandbox.js";
export { createSandboxLedger, type SandboxLedger } from "./provider/sandbox-ledger.js";
