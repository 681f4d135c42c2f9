// Counts of everything the shoppers did, kept as they go and turned into the summary at the end.

/** How a purchase visit ended. */
export type PurchaseResult = "completed" | "declined" | "pending" | "refused" | "failed" | "outcomeUnknown";

// Distinct problem texts kept; more would only repeat the same failure with other words.
const MAX_PROBLEMS = 20;
// Order ids kept for checking and for finding synthetic orders later; a run at the ceiling places more.
const MAX_ORDER_IDS = 1_000;

/** What the shoppers counted: requests, answers by status, visits and their outcomes. */
export class LoadTally {
  sent = 0;
  answered = 0;
  readonly statusCodes = new Map<number, number>();
  catalogReads = { completed: 0, failed: 0 };
  purchasesStarted = 0;
  readonly purchases: Record<PurchaseResult | "abandoned", number> = {
    completed: 0,
    declined: 0,
    pending: 0,
    refused: 0,
    failed: 0,
    outcomeUnknown: 0,
    abandoned: 0,
  };
  readonly orderIds: string[] = [];
  readonly problems = new Map<string, number>();
  /** Answers a visit did not expect (a 200 where a redirect belongs, a 4xx outside the flow, a 5xx). */
  unexpected = 0;

  /** A request went out. */
  request(): void {
    this.sent += 1;
  }

  /** An answer came back with `status`. */
  answer(status: number): void {
    this.answered += 1;
    this.statusCodes.set(status, (this.statusCodes.get(status) ?? 0) + 1);
  }

  /** An answer or its absence broke a visit; `text` says which step and what came back. */
  problem(text: string, unexpectedAnswer: boolean): void {
    if (unexpectedAnswer) this.unexpected += 1;
    if (this.problems.has(text) || this.problems.size < MAX_PROBLEMS) {
      this.problems.set(text, (this.problems.get(text) ?? 0) + 1);
    }
  }

  purchaseEnded(result: PurchaseResult | "abandoned", orderId?: string): void {
    this.purchases[result] += 1;
    if (orderId !== undefined && this.orderIds.length < MAX_ORDER_IDS) this.orderIds.push(orderId);
  }

  /** Answers whose status starts with `digit` (4 → every 4xx). */
  countOfClass(digit: number): number {
    let count = 0;
    for (const [status, n] of this.statusCodes) if (Math.floor(status / 100) === digit) count += n;
    return count;
  }
}
