import { fileURLToPath } from "node:url";
import { createPool, createServiceApp, instrumentPool, runMigrations, type ServiceApp } from "@shop/service-kit";
import type { Logger } from "pino";
import { cacheCatalogPages } from "./catalog-cache.js";
import type { Config } from "./config.js";
import { DEMO_CATALOG } from "./demo-catalog.js";
import { createCartRepository } from "./repositories/carts.js";
import { createOrderRepository } from "./repositories/orders.js";
import { createProductRepository } from "./repositories/products.js";
import { registerCartRoutes } from "./routes/carts.js";
import { registerOrderRoutes } from "./routes/orders.js";
import { registerProductRoutes, serialiseCatalogPage } from "./routes/products.js";
import { createShopMetrics } from "./shop-metrics.js";

// Resolves to services/api/migrations from both src/ and dist/.
const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations/", import.meta.url));

/** Builds the api (catalog, carts, orders) without listening: pool, migrations, seed, routes, readiness. */
export async function buildApp(config: Config, { logger }: { logger: Logger }): Promise<ServiceApp> {
  const pool = createPool(config.DATABASE_URL, logger, config.DATABASE_POOL_MAX);
  try {
    const products = createProductRepository(pool);
    await runMigrations(pool, MIGRATIONS_DIR, logger);
    if (config.SEED_CATALOG) {
      const seeded = await products.seedIfEmpty(DEMO_CATALOG);
      if (seeded > 0) logger.info({ products: seeded }, "demo catalog seeded");
    }
    const app = await createServiceApp({
      service: "api",
      logger,
      readiness: { database: () => pool.query("SELECT 1") },
    });
    app.addHook("onClose", () => pool.end());
    instrumentPool(pool, app.metrics);
    const catalogPages = cacheCatalogPages(serialiseCatalogPage(products), {
      ttlMs: config.CATALOG_CACHE_TTL_MS,
      maxEntries: 1000,
    });
    registerProductRoutes(app, products, catalogPages);
    registerCartRoutes(app, createCartRepository(pool));
    registerOrderRoutes(app, createOrderRepository(pool), createShopMetrics(app.metrics), {
      onStockChange: () => catalogPages.invalidate(),
    });
    return app;
  } catch (error) {
    await pool.end();
    throw error;
  }
}
