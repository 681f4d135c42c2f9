import { errorResponses, HttpError, type ServiceApp } from "@shop/service-kit";
import { orderSchema } from "@shop/shop-contracts";
import { z } from "zod";
import { orderNotFound } from "../domain-errors.js";
import type { OrderRepository } from "../repositories/orders.js";
import { uuidParamsSchema } from "../schemas/common.js";
import { createOrderBodySchema, orderListQuerySchema, transitionBodySchema } from "../schemas/order.js";
import type { ShopMetrics } from "../shop-metrics.js";

/** Order routes: place (checkout only), read, find by checkout, move through states. */
export function registerOrderRoutes(
  app: ServiceApp,
  orders: OrderRepository,
  metrics: ShopMetrics,
  events: { readonly onStockChange: () => void } = { onStockChange: () => undefined },
): void {
  const tags = ["orders"];

  app.post(
    "/orders",
    {
      schema: {
        tags,
        body: createOrderBodySchema,
        response: { 200: orderSchema, 201: orderSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      try {
        const { order, created } = await orders.place(request.body.cartId, request.body.checkoutId);
        if (created) {
          events.onStockChange();
          metrics.ordersTotal.inc({ status: "pending" });
          metrics.stockReservationsTotal.inc({ outcome: "reserved" });
        }
        return reply.code(created ? 201 : 200).send(order);
      } catch (error) {
        if (error instanceof HttpError && error.code === "out_of_stock") {
          metrics.stockReservationsTotal.inc({ outcome: "out_of_stock" });
        }
        throw error;
      }
    },
  );

  app.get(
    "/orders/:id",
    { schema: { tags, params: uuidParamsSchema, response: { 200: orderSchema, ...errorResponses } } },
    async (request) => {
      const order = await orders.find(request.params.id);
      if (!order) throw orderNotFound(request.params.id);
      return order;
    },
  );

  app.get(
    "/orders",
    {
      schema: {
        tags,
        querystring: orderListQuerySchema,
        response: { 200: z.object({ items: z.array(orderSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ items: await orders.listByCheckoutId(request.query.checkoutId) }),
  );

  app.post(
    "/orders/:id/transitions",
    {
      schema: {
        tags,
        params: uuidParamsSchema,
        body: transitionBodySchema,
        response: { 200: orderSchema, ...errorResponses },
      },
    },
    async (request) => {
      const outcome = await orders.transition(request.params.id, request.body);
      if (outcome.changed) {
        metrics.ordersTotal.inc({ status: outcome.order.status });
        if (outcome.unitsReleased > 0) {
          events.onStockChange();
          metrics.stockReservationsTotal.inc({ outcome: "released" });
        }
      }
      return outcome.order;
    },
  );
}
