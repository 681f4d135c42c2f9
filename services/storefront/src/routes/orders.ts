import type { ServiceApp } from "@shop/service-kit";
import { z } from "zod";
import { notFoundPage } from "../views/error.js";
import { orderPage } from "../views/order.js";
import { type PageDeps, pageResponses, resourceIdSchema } from "./deps.js";

/** `GET /orders/:id`: the confirmation page, shown only to the browser whose session placed the order. */
export function orderRoutes(app: ServiceApp, { api, sessions, pages }: PageDeps): void {
  app.get(
    "/orders/:id",
    { schema: { params: z.object({ id: resourceIdSchema }), response: pageResponses } },
    async (request, reply) => {
      // Another browser gets the same 404 as for an order that does not exist, so ids cannot be probed.
      const placedHere = sessions.read(request).orderIds.includes(request.params.id);
      const order = placedHere ? await api.getOrder(request.id, request.params.id) : null;
      if (!order) return pages.send(reply, "not_found", notFoundPage("That order"), 404);
      return pages.send(reply, "order", orderPage(order));
    },
  );
}
