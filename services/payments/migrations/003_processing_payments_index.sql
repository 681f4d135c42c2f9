-- The settlement sweep looks for payments left processing by a crash; only those rows are indexed.
CREATE INDEX payments_processing ON payments (created_at) WHERE status = 'processing';
