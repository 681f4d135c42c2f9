import type { Logger } from "pino";
import type { CheckoutDriver } from "../flow/advance-checkout.js";
import type { Checkout, CheckoutRepository } from "../repositories/checkouts.js";

export interface ReconcilerDeps {
  readonly checkouts: CheckoutRepository;
  readonly driver: CheckoutDriver;
  /** Only checkouts untouched for this long are reconciled (younger ones may still be answered). */
  readonly minAgeMs: number;
  /** After this long, a checkout that never got an order is no longer looked at. */
  readonly paymentGraceMs: number;
  readonly leaseMs: number;
  readonly batchSize?: number;
  readonly logger: Logger;
  readonly onOutcome: (outcome: string) => void;
}

export interface ReconcileOptions {
  /** The reconciler's clock: ages and the payment grace period are measured against it. */
  readonly now?: Date;
}

export interface ReconcileSummary {
  readonly checked: number;
  readonly outcomes: Readonly<Record<string, number>>;
}

/** One reconciliation pass at a time per process; rows are leased (FOR UPDATE SKIP LOCKED) so instances share. */
export function createReconciler(deps: ReconcilerDeps) {
  let inFlight: Promise<ReconcileSummary> | null = null;

  async function pass(now: Date): Promise<ReconcileSummary> {
    const handled: string[] = [];
    const outcomes: Record<string, number> = {};
    // One row is claimed at a time, just before it is driven, so no lease runs out while it waits in a batch.
    while (handled.length < (deps.batchSize ?? 50)) {
      const checkout = await deps.checkouts.claimNextDue({
        olderThan: new Date(now.getTime() - deps.minAgeMs),
        abandonedBefore: new Date(now.getTime() - deps.paymentGraceMs),
        leaseMs: deps.leaseMs,
        exclude: handled,
      });
      if (!checkout) break;
      handled.push(checkout.id);
      const outcome = await settleOne(checkout, now);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      deps.onOutcome(outcome);
    }
    if (handled.length > 0) deps.logger.info({ checked: handled.length, outcomes }, "reconciliation pass");
    return { checked: handled.length, outcomes };
  }

  async function settleOne(checkout: Checkout, now: Date): Promise<string> {
    try {
      return (await deps.driver.advance(checkout, { card: null, now })).outcome;
    } catch (error) {
      deps.logger.error({ err: error, checkoutId: checkout.id }, "reconciling a checkout failed");
      return "error";
    }
  }

  return {
    /** Settles every unfinished checkout that is due; a call during a running pass shares that pass. */
    reconcilePending(options: ReconcileOptions = {}): Promise<ReconcileSummary> {
      inFlight ??= pass(options.now ?? new Date()).finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
