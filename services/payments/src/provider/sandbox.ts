import { setTimeout as sleep } from "node:timers/promises";
import type { ChargeOutcome, ChargeRequest, PaymentProvider } from "./provider.js";
import type { SandboxLedger } from "./sandbox-ledger.js";

/** The sandbox's test cards (all pass Luhn); any other valid number is approved. */
export const SANDBOX_CARDS = {
  approved: "4242424242424242",
  declined: "4000000000000002",
  insufficientFunds: "4000000000009995",
  slow: "4000000000000259",
} as const;

export interface SandboxOptions {
  /** How long the slow card takes before it is approved. */
  readonly slowMs: number;
  /** Where the sandbox records each charge at the moment it makes it. */
  readonly ledger: SandboxLedger;
}

/** A deterministic provider whose outcome depends only on the card number, charging once per payment id. */
export function createSandboxProvider(options: SandboxOptions): PaymentProvider {
  return {
    async charge(request: ChargeRequest): Promise<ChargeOutcome> {
      return options.ledger.record(request, await decide(request.card.number, options.slowMs));
    },
    resolveCharge: (paymentId) => options.ledger.resolve(paymentId),
  };
}

async function decide(cardNumber: string, slowMs: number): Promise<ChargeOutcome> {
  switch (cardNumber) {
    case SANDBOX_CARDS.declined:
      return { status: "declined", declineCode: "card_declined" };
    case SANDBOX_CARDS.insufficientFunds:
      return { status: "declined", declineCode: "insufficient_funds" };
    case SANDBOX_CARDS.slow:
      await sleep(slowMs);
      return { status: "approved" };
    default:
      return { status: "approved" };
  }
}
