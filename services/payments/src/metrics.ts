import { Counter, type Registry } from "@shop/service-kit";

/** The service's business counters. */
export interface PaymentMetrics {
  readonly payments: Counter<"outcome">;
  readonly refunds: Counter;
}

/** Registers `payments_total{outcome}` and `payment_refunds_total` on the app's registry. */
export function createPaymentMetrics(registry: Registry): PaymentMetrics {
  return {
    payments: new Counter({
      name: "payments_total",
      help: "Charges answered by the provider, by outcome (approved, declined, error)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    refunds: new Counter({
      name: "payment_refunds_total",
      help: "Refunds recorded (replays of a refund key are not counted)",
      registers: [registry],
    }),
  };
}
