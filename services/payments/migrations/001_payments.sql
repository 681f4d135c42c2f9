-- Payments keyed by the caller's idempotency key. Card data is limited to a random token, the brand, the last
-- four digits and the expiry: there is deliberately no column that could hold a card number or a CVC.
-- A key that was voided before any payment used it is a row with status 'voided' and no payment fields, so the
-- unique key makes "void" and "pay" race-free against each other.
CREATE TABLE payments (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  idempotency_key     text NOT NULL UNIQUE,
  request_fingerprint text,
  status              text NOT NULL CHECK (status IN
                        ('processing', 'approved', 'declined', 'refunded', 'partially_refunded', 'voided')),
  decline_code        text CHECK (decline_code IN ('card_declined', 'insufficient_funds')),
  amount_minor        bigint CHECK (amount_minor > 0),
  refunded_minor      bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
  currency            char(3),
  reference           text,
  card_token          text,
  card_brand          text,
  card_last4          char(4) CHECK (card_last4 ~ '^[0-9]{4}$'),
  exp_month           smallint CHECK (exp_month BETWEEN 1 AND 12),
  exp_year            smallint,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (refunded_minor <= coalesce(amount_minor, 0)),
  CHECK (status = 'voided' OR (request_fingerprint IS NOT NULL AND amount_minor IS NOT NULL
    AND currency IS NOT NULL AND reference IS NOT NULL AND card_token IS NOT NULL AND card_brand IS NOT NULL
    AND card_last4 IS NOT NULL AND exp_month IS NOT NULL AND exp_year IS NOT NULL))
);

CREATE TABLE refunds (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  payment_id      uuid NOT NULL REFERENCES payments (id),
  idempotency_key text NOT NULL,
  -- What the caller asked for (NULL: "the rest"), compared on a replay of the same key.
  requested_minor bigint CHECK (requested_minor > 0),
  amount_minor    bigint NOT NULL CHECK (amount_minor > 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (payment_id, idempotency_key)
);
