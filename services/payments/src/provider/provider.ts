/** Why a provider refused a charge. */
export type DeclineCode = "card_declined" | "insufficient_funds";

/** What a provider needs to charge a card once. */
export interface ChargeRequest {
  /** Also the provider's idempotency key: the provider charges at most once per payment id. */
  readonly paymentId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly reference: string;
  readonly card: {
    readonly number: string;
    readonly expMonth: number;
    readonly expYear: number;
    readonly cvc: string;
  };
}

/** A provider's final answer for one charge. */
export type ChargeOutcome =
  | { readonly status: "approved" }
  | { readonly status: "declined"; readonly declineCode: DeclineCode };

/** What became of a charge whose answer was lost: its outcome, or the certainty that it never happened. */
export type ResolvedCharge = ChargeOutcome | { readonly status: "never_charged" };

/** A payment gateway: the sandbox today, a real one later. */
export interface PaymentProvider {
  /** Charges the card; resolves with the final outcome, rejects only when the outcome is unknown. */
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  /**
   * What became of the charge sent under `paymentId` (a gateway's "retrieve the charge by idempotency key").
   * A key with no charge is closed at that moment, so a charge still on its way is refused and the answer never
   * changes (a gateway's "cancel the payment intent").
   */
  resolveCharge(paymentId: string): Promise<ResolvedCharge>;
}

/** The provider refused a charge because its key was closed by `resolveCharge`: nothing was charged. */
export class ChargeKeyClosedError extends Error {
  constructor(readonly paymentId: string) {
    super(`the provider closed the key of payment ${paymentId} before its charge arrived; nothing was charged`);
    this.name = "ChargeKeyClosedError";
  }
}
