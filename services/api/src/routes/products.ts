import { errorResponses, type ServiceApp } from "@shop/service-kit";
import { z } from "zod";
import type { CatalogPageSource } from "../catalog-cache.js";
import { productNotFound } from "../domain-errors.js";
import type { ProductRepository } from "../repositories/products.js";
import { skuSchema } from "../schemas/common.js";
import { productListQuerySchema, productPageSchema, productSchema } from "../schemas/product.js";

/** `GET /products` and `GET /products/:sku`. */
export function registerProductRoutes(
  app: ServiceApp,
  products: ProductRepository,
  catalogPages: CatalogPageSource<Awaited<ReturnType<ProductRepository["list"]>>>,
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
    async (request) => {
      const { limit, offset, q } = request.query;
      const page = await catalogPages.list({ limit, offset, q: q || undefined });
      return { ...page, limit, offset };
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
