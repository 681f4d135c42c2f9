import type { FastifyBaseLogger } from "fastify";
import type { PaymentProvider } from "../provider/provider.js";
import type { PaymentsRepository } from "../repositories/payments.js";
import type { InFlightWork } from "./in-flight.js";
import type { Payment } from "./schemas.js";

export interface StaleSettlerDependencies {
  readonly payments: PaymentsRepository;
  readonly provider: PaymentProvider;
  readonly inFlight: InFlightWork;
  /** A processing payment older than this lost its answer: payments died between its row and its outcome. */
  readonly settleAfterMs: number;
  readonly logger: FastifyBaseLogger;
}

/** Stale payments settled per sweep; more wait for the next one. */
const SWEEP_BATCH = 100;

/** What settling a stale payment made of it: the payment with its outcome, or `voided` (never charged). */
export type Settled = { readonly kind: "payment"; readonly payment: Payment } | { readonly kind: "voided" };

/**
 * Settles payments left `processing` by a crash, by asking the provider what became of their charge:
 * charged → the provider's outcome is recorded; never charged → the payment is voided (the provider closed its key,
 * so a late charge is refused). Rows move only out of `processing`, so instances settling the same row agree.
 */
export function createStaleSettler(deps: StaleSettlerDependencies) {
  async function settle(payment: Payment): Promise<Settled | null> {
    const resolved = await deps.provider.resolveCharge(payment.id);
    if (resolved.status === "never_charged") {
      const voided = await deps.payments.voidProcessing(payment.id);
      deps.logger.warn({ paymentId: payment.id, voided }, "stale payment was never charged; voided");
      return voided ? { kind: "voided" } : null;
    }
    const completed = await deps.payments.complete(payment.id, resolved);
    deps.logger.warn({ paymentId: payment.id, status: resolved.status }, "stale payment settled from the provider");
    return completed ? { kind: "payment", payment: completed } : null;
  }

  /** A charge still running in this process is not stale, however old: its own answer is on the way. */
  const isOurs = (payment: Payment) => deps.inFlight.isRunning(payment.id);

  return {
    /** Settles `payment` if it is stale; null when it is not (or another settler got there first). */
    async settleIfStale(payment: Payment): Promise<Settled | null> {
      if (isOurs(payment) || !(await deps.payments.isStaleProcessing(payment.id, deps.settleAfterMs))) return null;
      return settle(payment);
    },

    /** Settles every stale processing payment; returns how many it settled. */
    async sweep(): Promise<number> {
      const stale = await deps.payments.findStaleProcessing(deps.settleAfterMs, SWEEP_BATCH);
      let settled = 0;
      for (const payment of stale.filter((candidate) => !isOurs(candidate))) {
        if (await settle(payment)) settled++;
      }
      return settled;
    },
  };
}

export type StaleSettler = ReturnType<typeof createStaleSettler>;
