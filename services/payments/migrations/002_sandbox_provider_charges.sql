-- The sandbox provider's own ledger: one row per provider idempotency key (the payment id), written at the moment
-- the sandbox charges. The sandbox runs inside payments, so its record lives in payments' database to outlive a
-- crash; a real gateway keeps this on its side. 'closed' marks a key that was looked up before any charge arrived:
-- no charge can be recorded under it any more. No foreign key: the provider does not know payments' tables.
CREATE TABLE sandbox_provider_charges (
  payment_id   uuid PRIMARY KEY,
  outcome      text NOT NULL CHECK (outcome IN ('approved', 'declined', 'closed')),
  decline_code text CHECK (decline_code IN ('card_declined', 'insufficient_funds')),
  amount_minor bigint,
  currency     char(3),
  reference    text,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((outcome = 'declined') = (decline_code IS NOT NULL)),
  CHECK ((outcome = 'closed') = (amount_minor IS NULL))
);
