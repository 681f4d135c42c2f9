import type { Pool } from "@shop/service-kit";
import type { Product } from "../schemas/product.js";

interface ProductRow {
  sku: string;
  name: string;
  description: string;
  price_minor: string;
  currency: string;
  stock: number;
}

const PRODUCT_COLUMNS = "sku, name, description, price_minor, currency, stock";

/** Turns user text into an ILIKE pattern that matches it literally anywhere: `%`, `_` and `\` lose their meaning. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** Maps a `products` row to the public Product. */
export function toProduct(row: ProductRow): Product {
  return {
    sku: row.sku,
    name: row.name,
    description: row.description,
    priceMinor: Number(row.price_minor),
    currency: row.currency,
    stock: row.stock,
  };
}

/** SQL for the catalog: listing, lookup by SKU and seeding. */
export function createProductRepository(pool: Pool) {
  return {
    /** One page of products ordered by name, optionally only those whose name or description contains `q`. */
    async list(page: { limit: number; offset: number; q?: string | undefined }) {
      const pattern = page.q ? containsPattern(page.q) : null;
      const filter = "($1::text IS NULL OR name ILIKE $1 ESCAPE '\\' OR description ILIKE $1 ESCAPE '\\')";
      const [items, total] = await Promise.all([
        pool.query<ProductRow>(
          `SELECT ${PRODUCT_COLUMNS} FROM products WHERE ${filter} ORDER BY name, sku LIMIT $2 OFFSET $3`,
          [pattern, page.limit, page.offset],
        ),
        pool.query<{ total: string }>(`SELECT count(*) AS total FROM products WHERE ${filter}`, [pattern]),
      ]);
      return { items: items.rows.map(toProduct), total: Number(total.rows[0]?.total ?? 0) };
    },

    /** The product with this SKU, or undefined. */
    async findBySku(sku: string): Promise<Product | undefined> {
      const result = await pool.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE sku = $1`, [sku]);
      return result.rows[0] && toProduct(result.rows[0]);
    },

    /** Inserts `products` if the catalog is empty; SKUs already present are left alone. Returns how many were added. */
    async seedIfEmpty(products: readonly Product[]): Promise<number> {
      const existing = await pool.query("SELECT 1 FROM products LIMIT 1");
      if (existing.rowCount) return 0;
      const result = await pool.query(
        `INSERT INTO products (sku, name, description, price_minor, currency, stock)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::int[])
         ON CONFLICT (sku) DO NOTHING`,
        [
          products.map((p) => p.sku),
          products.map((p) => p.name),
          products.map((p) => p.description),
          products.map((p) => p.priceMinor),
          products.map((p) => p.currency),
          products.map((p) => p.stock),
        ],
      );
      return result.rowCount ?? 0;
    },
  };
}

export type ProductRepository = ReturnType<typeof createProductRepository>;
