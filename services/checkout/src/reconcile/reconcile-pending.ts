import type { Logger } from "pino";
import type { CheckoutDriver } from "../flow/advance-checkout.js";
import type { CheckoutRepository } from "../repositories/checkouts.js";

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
    const due = await deps.checkouts.claimDue({
      olderThan: new Date(now.getTime() - deps.minAgeMs),
      abandonedBefore: new Date(now.getTime() - deps.paymentGraceMs),
      limit: deps.batchSize ?? 50,
      leaseMs: deps.leaseMs,
    });
    const outcomes: Record<string, number> = {};
    for (const checkout of due) {
      let outcome: string;
      try {
        outcome = (await deps.driver.advance(checkout, { card: null, now })).outcome;
      } catch (error) {
        deps.logger.error({ err: error, checkoutId: checkout.id }, "reconciling a checkout failed");
        outcome = "error";
      }
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      deps.onOutcome(outcome);
    }
    if (due.length > 0) deps.logger.info({ checked: due.length, outcomes }, "reconciliation pass");
    return { checked: due.length, outcomes };
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
