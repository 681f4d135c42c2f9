import { ChargeKeyClosedError, type ChargeOutcome, type ResolvedCharge, type SandboxLedger } from "../../src/index.js";

/** The sandbox ledger's rules kept in memory, for tests that build their own provider and need no restart. */
export function memoryLedger(): SandboxLedger {
  const entries = new Map<string, ChargeOutcome | "closed">();
  return {
    async record(request, outcome) {
      if (!entries.has(request.paymentId)) entries.set(request.paymentId, outcome);
      const entry = entries.get(request.paymentId) as ChargeOutcome | "closed";
      if (entry === "closed") throw new ChargeKeyClosedError(request.paymentId);
      return entry;
    },
    async resolve(paymentId): Promise<ResolvedCharge> {
      if (!entries.has(paymentId)) entries.set(paymentId, "closed");
      const entry = entries.get(paymentId) as ChargeOutcome | "closed";
      return entry === "closed" ? { status: "never_charged" } : entry;
    },
  };
}
