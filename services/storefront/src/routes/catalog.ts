import type { ServiceApp } from "@shop/service-kit";
import { z } from "zod";
import { storableText } from "../forms.js";
import { catalogPage, catalogPath, pageCountOf, productPage } from "../views/catalog.js";
import { notFoundPage } from "../views/error.js";
import { type PageDeps, pageResponses, skuSchema } from "./deps.js";

const PAGE_SIZE = 12;

const catalogQuery = z.object({
  q: storableText(100).trim().optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

/** `GET /` (product grid with search and pages) and `GET /products/:sku` (product with add-to-cart form). */
export function catalogRoutes(app: ServiceApp, { api, pages }: PageDeps): void {
  app.get("/", { schema: { querystring: catalogQuery, response: pageResponses } }, async (request, reply) => {
    const q = request.query.q || undefined;
    const pageNumber = request.query.page;
    const page = await api.listProducts(request.id, { q, limit: PAGE_SIZE, offset: (pageNumber - 1) * PAGE_SIZE });
    // A page past the end (an old link, the catalog shrank) shows the last page that has products.
    const lastPage = pageCountOf(page);
    if (pageNumber > lastPage) return reply.redirect(catalogPath(q, lastPage), 303);
    return pages.send(reply, "home", catalogPage({ page, q, pageNumber }));
  });

  app.get(
    "/products/:sku",
    { schema: { params: z.object({ sku: skuSchema }), response: pageResponses } },
    async (request, reply) => {
      const product = await api.getProduct(request.id, request.params.sku);
      if (!product) return pages.send(reply, "not_found", notFoundPage("That product"), 404);
      return pages.send(reply, "product", productPage({ product, csrfToken: reply.generateCsrf() }));
    },
  );
}
