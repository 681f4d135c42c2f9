-- The settlement sweep looks for payments left processing by a crash; only those rows are indexed.
CREATE INDEX payments_processing ON payments (created_at) WHERE status = 'processing';

-- Since settlement, 'voided' has two sources: a key voided before any payment used it (no payment fields), and a
-- payment a crash left processing that the provider never charged (its fields kept, for the record).
COMMENT ON COLUMN payments.status IS
  'voided: key voided before use (no payment fields) or a processing payment the provider never charged';
