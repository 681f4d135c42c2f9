-- One row per Idempotency-Key. Card data is never stored: only a keyed HMAC of the request body.
CREATE TABLE checkouts (
  id                  uuid PRIMARY KEY,
  idempotency_key     text NOT NULL UNIQUE,
  request_fingerprint text NOT NULL,
  cart_id             uuid NOT NULL,
  status              text NOT NULL DEFAULT 'in_progress'
                        CHECK (status IN ('in_progress', 'pending_payment', 'paid', 'payment_failed', 'rejected', 'refunded')),
  order_id            uuid,
  order_number        text,
  -- The order as api last described it, for answers given while api cannot be reached.
  order_snapshot      jsonb,
  amount_minor        bigint CHECK (amount_minor >= 0),
  currency            char(3),
  payment_id          text,
  decline_code        text,
  -- The last answer given, replayed to waiters and to retries of a finished checkout.
  response_status     integer,
  response_body       jsonb,
  -- Whoever holds the lease (a request or the reconciler) is the only one driving this checkout.
  locked_until        timestamptz,
  payment_sent_at     timestamptz,
  attempts            integer NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX checkouts_unfinished ON checkouts (updated_at) WHERE status IN ('in_progress', 'pending_payment');
