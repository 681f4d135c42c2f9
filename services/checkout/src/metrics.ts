import { Counter, type Registry } from "@shop/service-kit";

/** The checkout service's business counters, registered on the app's registry. */
export function createCheckoutMetrics(registry: Registry) {
  return {
    checkouts: new Counter({
      name: "checkouts_total",
      help: "Answers to POST /checkout by result",
      labelNames: ["result"] as const,
      registers: [registry],
    }),
    reconciliations: new Counter({
      name: "checkout_reconciliations_total",
      help: "Unfinished checkouts the reconciler looked at, by what it did",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
  };
}

export type CheckoutMetrics = ReturnType<typeof createCheckoutMetrics>;
