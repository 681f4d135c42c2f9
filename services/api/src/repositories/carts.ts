import { type Pool, type PoolClient, withTransaction } from "@shop/service-kit";
import {
  cartLineNotFound,
  cartNotFound,
  cartNotOpen,
  currencyMismatch,
  lineQuantityTooLarge,
  outOfStock,
  productNotFound,
} from "../domain-errors.js";
import { type LineRow, toLine, totalsOf } from "../lines.js";
import type { Cart } from "../schemas/cart.js";

const MAX_LINE_QUANTITY = 99;

interface ProductForLine {
  id: string;
  stock: number;
  currency: string;
}

/** SQL for carts. Every change locks the cart row, so it cannot race an order being made from the cart. */
export function createCartRepository(pool: Pool) {
  return {
    /** Creates an empty open cart. */
    async create(): Promise<Cart> {
      const result = await pool.query<{ id: string }>("INSERT INTO carts DEFAULT VALUES RETURNING id");
      return (await readCart(pool, result.rows[0]?.id as string)) as Cart;
    },

    /** The cart with its lines and totals, or undefined. */
    find: (cartId: string) => readCart(pool, cartId),

    /** Adds `quantity` units of `sku`, on top of any already in the cart. */
    addItem: (cartId: string, sku: string, quantity: number) =>
      changeLine(pool, cartId, sku, (current) => (current ?? 0) + quantity),

    /** Sets the quantity of a line that is already in the cart. */
    setQuantity: (cartId: string, sku: string, quantity: number) =>
      changeLine(pool, cartId, sku, (current) => {
        if (current === undefined) throw cartLineNotFound(cartId, sku);
        return quantity;
      }),

    /** Removes the line for `sku`; removing a line that is not there changes nothing. */
    removeItem: (cartId: string, sku: string) =>
      withTransaction(pool, async (client) => {
        await lockOpenCart(client, cartId);
        await client.query(
          "DELETE FROM cart_items WHERE cart_id = $1 AND product_id = (SELECT id FROM products WHERE sku = $2)",
          [cartId, sku],
        );
        await client.query("UPDATE carts SET updated_at = now() WHERE id = $1", [cartId]);
        return (await readCart(client, cartId)) as Cart;
      }),
  };
}

export type CartRepository = ReturnType<typeof createCartRepository>;

/** Locks the cart row for the rest of the transaction; 404 if it does not exist. */
async function lockCart(client: PoolClient, cartId: string): Promise<{ status: string; currency: string }> {
  const result = await client.query<{ status: string; currency: string }>({
    name: "api-cart-lock",
    text: "SELECT status, currency FROM carts WHERE id = $1 FOR UPDATE",
    values: [cartId],
  });
  if (!result.rows[0]) throw cartNotFound(cartId);
  return result.rows[0];
}

async function lockOpenCart(client: PoolClient, cartId: string): Promise<{ currency: string }> {
  const cart = await lockCart(client, cartId);
  if (cart.status !== "open") throw cartNotOpen(cartId);
  return cart;
}

async function changeLine(
  pool: Pool,
  cartId: string,
  sku: string,
  nextQuantity: (current: number | undefined) => number,
): Promise<Cart> {
  return withTransaction(pool, async (client) => {
    const cart = await lockOpenCart(client, cartId);
    const product = (
      await client.query<ProductForLine>("SELECT id, stock, currency FROM products WHERE sku = $1", [sku])
    ).rows[0];
    if (!product) throw productNotFound(sku);
    if (product.currency !== cart.currency) throw currencyMismatch(sku, product.currency, cart.currency);
    const line = await client.query<{ quantity: number }>(
      "SELECT quantity FROM cart_items WHERE cart_id = $1 AND product_id = $2",
      [cartId, product.id],
    );
    const quantity = nextQuantity(line.rows[0]?.quantity);
    if (quantity > MAX_LINE_QUANTITY) throw lineQuantityTooLarge(quantity, MAX_LINE_QUANTITY);
    if (quantity > product.stock) throw outOfStock(sku, quantity, product.stock);
    await client.query(
      `INSERT INTO cart_items (cart_id, product_id, quantity) VALUES ($1, $2, $3)
       ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = EXCLUDED.quantity`,
      [cartId, product.id, quantity],
    );
    await client.query("UPDATE carts SET updated_at = now() WHERE id = $1", [cartId]);
    return (await readCart(client, cartId)) as Cart;
  });
}

/** Reads a cart and prices its lines at today's catalog prices. */
async function readCart(db: Pool | PoolClient, cartId: string): Promise<Cart | undefined> {
  // Sequential on purpose: `db` may be one transaction's client, which runs one query at a time.
  const cart = await db.query<{ id: string; status: "open" | "ordered"; currency: string }>(
    "SELECT id, status, currency FROM carts WHERE id = $1",
    [cartId],
  );
  const row = cart.rows[0];
  if (!row) return undefined;
  const lines = await db.query<LineRow>(
    `SELECT p.sku, p.name, p.price_minor AS unit_price_minor, ci.quantity
     FROM cart_items ci JOIN products p ON p.id = ci.product_id
     WHERE ci.cart_id = $1 ORDER BY ci.added_at, p.sku`,
    [cartId],
  );
  const items = lines.rows.map(toLine);
  return { id: row.id, status: row.status, currency: row.currency, items, ...totalsOf(items) };
}
