CREATE SEQUENCE IF NOT EXISTS order_number_seq;

CREATE TABLE IF NOT EXISTS orders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Shown as ORD-000123; formatted by the application so numbers past 999999 keep every digit.
  number bigint NOT NULL UNIQUE DEFAULT nextval('order_number_seq'),
  checkout_id text NOT NULL UNIQUE,
  cart_id uuid NOT NULL REFERENCES carts (id),
  status text NOT NULL CHECK (status IN ('pending', 'paid', 'payment_failed', 'cancelled', 'fulfilled')),
  currency char(3) NOT NULL,
  total_minor bigint NOT NULL CHECK (total_minor >= 0),
  payment_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS orders_cart_id_idx ON orders (cart_id);

-- Prices, names and SKUs are copied so an order keeps what the shopper agreed to.
CREATE TABLE IF NOT EXISTS order_items (
  order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id uuid NOT NULL REFERENCES products (id),
  sku text NOT NULL,
  name text NOT NULL,
  unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
  PRIMARY KEY (order_id, product_id)
);

CREATE TABLE IF NOT EXISTS order_status_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  status text NOT NULL,
  reason text,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX IF NOT EXISTS order_status_history_order_idx ON order_status_history (order_id, id);
