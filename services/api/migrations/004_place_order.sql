-- Places an order from a cart in one call: lock the cart, find a twin, reserve every line, write the order, its
-- lines, its history and the cart's new status. As a transaction driven from the api this took seven round trips,
-- and on the checkout path the exchanges with PostgreSQL cost more than the work in them.
-- A VOLATILE function under READ COMMITTED takes a fresh snapshot for each statement, so the twin check sees an
-- order that a twin committed while this call waited for the cart lock.
-- Refusals are raised with SQLSTATE P0001, the refusal's name as the message and its facts as JSON in DETAIL; the
-- call is one statement, so a refusal takes back every reservation made before it.
CREATE OR REPLACE FUNCTION place_order(p_cart_id uuid, p_checkout_id text, OUT placed_order_id uuid, OUT was_created boolean)
LANGUAGE plpgsql AS $$
DECLARE
  cart record;
  line record;
  reserved record;
  missing record;
  product_ids uuid[] := '{}';
  skus text[] := '{}';
  names text[] := '{}';
  prices bigint[] := '{}';
  quantities int[] := '{}';
  total bigint := 0;
BEGIN
  SELECT status, currency INTO cart FROM carts WHERE id = p_cart_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'cart_not_found';
  END IF;
  SELECT id INTO placed_order_id FROM orders WHERE checkout_id = p_checkout_id;
  IF FOUND THEN
    was_created := false;
    RETURN;
  END IF;
  IF cart.status <> 'open' THEN
    RAISE EXCEPTION 'cart_not_open';
  END IF;

  -- Product order is fixed so that concurrent orders lock product rows in the same sequence (no deadlocks).
  FOR line IN SELECT product_id, quantity FROM cart_items WHERE cart_id = p_cart_id ORDER BY product_id LOOP
    UPDATE products SET stock = stock - line.quantity WHERE id = line.product_id AND stock >= line.quantity
      RETURNING id, sku, name, price_minor INTO reserved;
    IF NOT FOUND THEN
      SELECT sku, stock INTO missing FROM products WHERE id = line.product_id;
      RAISE EXCEPTION 'out_of_stock' USING DETAIL = json_build_object(
        'sku', coalesce(missing.sku, line.product_id::text),
        'requested', line.quantity,
        'available', coalesce(missing.stock, 0))::text;
    END IF;
    product_ids := product_ids || reserved.id;
    skus := skus || reserved.sku;
    names := names || reserved.name;
    prices := prices || reserved.price_minor;
    quantities := quantities || line.quantity;
    total := total + reserved.price_minor * line.quantity;
  END LOOP;
  IF cardinality(product_ids) = 0 THEN
    RAISE EXCEPTION 'cart_empty';
  END IF;

  INSERT INTO orders (checkout_id, cart_id, status, currency, total_minor)
    VALUES (p_checkout_id, p_cart_id, 'pending', cart.currency, total)
    ON CONFLICT (checkout_id) DO NOTHING
    RETURNING id INTO placed_order_id;
  IF NOT FOUND THEN
    -- A twin inserted the order after our check; the caller reads that one.
    RAISE EXCEPTION 'checkout_already_ordered';
  END IF;
  INSERT INTO order_items (order_id, product_id, sku, name, unit_price_minor, quantity)
    SELECT placed_order_id, * FROM unnest(product_ids, skus, names, prices, quantities);
  INSERT INTO order_status_history (order_id, status, reason) VALUES (placed_order_id, 'pending', 'order placed');
  UPDATE carts SET status = 'ordered', updated_at = now() WHERE id = p_cart_id;
  was_created := true;
END;
$$;
