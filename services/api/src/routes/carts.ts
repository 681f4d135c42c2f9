import { errorResponses, type ServiceApp } from "@shop/service-kit";
import { cartNotFound } from "../domain-errors.js";
import type { CartRepository } from "../repositories/carts.js";
import { addItemBodySchema, cartLineParamsSchema, cartSchema, setQuantityBodySchema } from "../schemas/cart.js";
import { uuidParamsSchema } from "../schemas/common.js";

/** Cart routes: create, read, add a line, change a quantity, remove a line. */
export function registerCartRoutes(app: ServiceApp, carts: CartRepository): void {
  const tags = ["carts"];

  app.post("/carts", { schema: { tags, response: { 201: cartSchema, ...errorResponses } } }, async (_request, reply) =>
    reply.code(201).send(await carts.create()),
  );

  app.get(
    "/carts/:id",
    { schema: { tags, params: uuidParamsSchema, response: { 200: cartSchema, ...errorResponses } } },
    async (request) => {
      const cart = await carts.find(request.params.id);
      if (!cart) throw cartNotFound(request.params.id);
      return cart;
    },
  );

  app.post(
    "/carts/:id/items",
    {
      schema: {
        tags,
        params: uuidParamsSchema,
        body: addItemBodySchema,
        response: { 200: cartSchema, ...errorResponses },
      },
    },
    async (request) => carts.addItem(request.params.id, request.body.sku, request.body.quantity),
  );

  app.put(
    "/carts/:id/items/:sku",
    {
      schema: {
        tags,
        params: cartLineParamsSchema,
        body: setQuantityBodySchema,
        response: { 200: cartSchema, ...errorResponses },
      },
    },
    async (request) => carts.setQuantity(request.params.id, request.params.sku, request.body.quantity),
  );

  app.delete(
    "/carts/:id/items/:sku",
    { schema: { tags, params: cartLineParamsSchema, response: { 200: cartSchema, ...errorResponses } } },
    async (request) => carts.removeItem(request.params.id, request.params.sku),
  );
}
