import { errorResponses, type ServiceApp } from "@shop/service-kit";
import { z } from "zod";
import type { CatalogPageSource } from "../catalog-cache.js";
import { productNotFound } from "../domain-errors.js";
import type { ProductRepository } from "../repositories/products.js";
import { skuSchema } from "../schemas/common.js";
import { productListQuerySchema, productPageSchema, productSchema } from "../schemas/product.js";

/**
 * A catalog page as the UTF-8 JSON bytes `GET /products` answers, checked and shaped by the route's own response
 * schema. Cached pages are kept in this form, so a page is validated, serialised and encoded once per query, not once
 * per request.
 */
export function serialiseCatalogPage(products: ProductRepository): CatalogPageSource<Buffer> {
  return {
    async list(page) {
      const found = await products.list(page);
      return Buffer.from(JSON.stringify(productPageSchema.parse({ ...found, limit: page.limit, offset: page.offset })));
    },
  };
}

/** `GET /products` and `GET /products/:sku`. */
export function registerProductRoutes(
  app: ServiceApp,
  products: ProductRepository,
  catalogPages: CatalogPageSource<Buffer>,
): void {
  app.get(
    "/products",
    {
      schema: {
        tags: ["catalog"],
        querystring: productListQuerySchema,
        response: { 200: productPageSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { limit, offset, q } = request.query;
      const json = await catalogPages.list({ limit, offset, q: q || undefined });
      // Already serialised through productPageSchema by serialiseCatalogPage; Fastify sends a Buffer as it is.
      return reply.type("application/json; charset=utf-8").send(json as never);
    },
  );

  app.get(
    "/products/:sku",
    {
      schema: {
        tags: ["catalog"],
        params: z.object({ sku: skuSchema }),
        response: { 200: productSchema, ...errorResponses },
      },
    },
    async (request) => {
      const product = await products.findBySku(request.params.sku);
      if (!product) throw productNotFound(request.params.sku);
      return product;
    },
  );
}
