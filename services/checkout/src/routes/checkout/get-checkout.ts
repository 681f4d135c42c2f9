import { errorResponses, notFound, type ServiceApp } from "@shop/service-kit";
import type { Order } from "@shop/shop-contracts";
import type { ApiClient } from "../../clients/api-client.js";
import { isOutcomeUnknown } from "../../clients/expect.js";
import { publicStatus } from "../../flow/decisions.js";
import type { Checkout, CheckoutRepository } from "../../repositories/checkouts.js";
import { checkoutParamsSchema, checkoutViewSchema } from "./schemas.js";

/** GET /checkout/:id: where a checkout stands, with its order as api has it now (or as last seen). */
export function registerGetCheckout(app: ServiceApp, deps: { checkouts: CheckoutRepository; api: ApiClient }): void {
  app.get(
    "/checkout/:id",
    {
      schema: {
        tags: ["checkout"],
        params: checkoutParamsSchema,
        response: { 200: checkoutViewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const checkout = await deps.checkouts.findById(request.params.id);
      if (!checkout) throw notFound("Checkout", request.params.id);
      return {
        checkoutId: checkout.id,
        status: publicStatus(checkout.status),
        order: await latestOrder(deps.api, checkout, request.id),
      };
    },
  );
}

async function latestOrder(api: ApiClient, checkout: Checkout, requestId: string): Promise<Order | null> {
  if (!checkout.orderId) return null;
  try {
    const answer = await api.getOrder(checkout.orderId, requestId);
    return answer.ok ? answer.order : checkout.order;
  } catch (error) {
    if (!isOutcomeUnknown(error)) throw error;
    return checkout.order;
  }
}
