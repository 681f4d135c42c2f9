import type { Pool } from "@shop/service-kit";
import { ChargeKeyClosedError, type ChargeOutcome, type ChargeRequest, type ResolvedCharge } from "./provider.js";

/** Where the sandbox keeps what it charged, as a real gateway does on its side. */
export interface SandboxLedger {
  /** Records a charge once per payment id; a repeat gets the first outcome, a closed key throws ChargeKeyClosedError. */
  record(request: ChargeRequest, outcome: ChargeOutcome): Promise<ChargeOutcome>;
  /** The recorded outcome, or `never_charged` after closing the key so that no charge can be recorded later. */
  resolve(paymentId: string): Promise<ResolvedCharge>;
}

interface LedgerRow {
  outcome: "approved" | "declined" | "closed";
  decline_code: "card_declined" | "insufficient_funds" | null;
}

/**
 * The sandbox's ledger in its own table of payments' database: the sandbox runs inside payments, so this is how its
 * record outlives a payments crash. Payments' own code never reads or writes the table.
 */
export function createSandboxLedger(db: Pool): SandboxLedger {
  const read = async (paymentId: string): Promise<LedgerRow> => {
    const { rows } = await db.query<LedgerRow>(
      "SELECT outcome, decline_code FROM sandbox_provider_charges WHERE payment_id = $1",
      [paymentId],
    );
    if (!rows[0]) throw new Error(`sandbox ledger lost the entry of payment ${paymentId}`);
    return rows[0];
  };

  return {
    async record(request, outcome) {
      const inserted = await db.query<LedgerRow>({
        name: "sandbox-record",
        text: `INSERT INTO sandbox_provider_charges (payment_id, outcome, decline_code, amount_minor, currency, reference)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (payment_id) DO NOTHING RETURNING outcome, decline_code`,
        values: [
          request.paymentId,
          outcome.status,
          outcome.status === "declined" ? outcome.declineCode : null,
          request.amountMinor,
          request.currency,
          request.reference,
        ],
      });
      // A first charge gets its own row back; a repeat (or a closed key) reads the row that was there first.
      const row = inserted.rows[0] ?? (await read(request.paymentId));
      if (row.outcome === "closed") throw new ChargeKeyClosedError(request.paymentId);
      return toOutcome(row);
    },

    async resolve(paymentId) {
      await db.query(
        `INSERT INTO sandbox_provider_charges (payment_id, outcome) VALUES ($1, 'closed')
         ON CONFLICT (payment_id) DO NOTHING`,
        [paymentId],
      );
      const row = await read(paymentId);
      return row.outcome === "closed" ? { status: "never_charged" } : toOutcome(row);
    },
  };
}

function toOutcome(row: LedgerRow): ChargeOutcome {
  if (row.outcome === "approved") return { status: "approved" };
  return { status: "declined", declineCode: row.decline_code ?? "card_declined" };
}
