/** Why a provider refused a charge. */
export type DeclineCode = "card_declined" | "insufficient_funds";

/** What a provider needs to charge a card once. */
export interface ChargeRequest {
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

/** A payment gateway: the sandbox today, a real one later. */
export interface PaymentProvider {
  /** Charges the card; resolves with the final outcome, rejects only when the outcome is unknown. */
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
}
