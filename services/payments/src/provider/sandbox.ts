import { setTimeout as sleep } from "node:timers/promises";
import type { ChargeOutcome, ChargeRequest, PaymentProvider } from "./provider.js";

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
}

/** A deterministic provider whose outcome depends only on the card number. */
export function createSandboxProvider(options: SandboxOptions): PaymentProvider {
  return {
    async charge(request: ChargeRequest): Promise<ChargeOutcome> {
      switch (request.card.number) {
        case SANDBOX_CARDS.declined:
          return { status: "declined", declineCode: "card_declined" };
        case SANDBOX_CARDS.insufficientFunds:
          return { status: "declined", declineCode: "insufficient_funds" };
        case SANDBOX_CARDS.slow:
          await sleep(options.slowMs);
          return { status: "approved" };
        default:
          return { status: "approved" };
      }
    },
  };
}
