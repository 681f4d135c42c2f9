import type { ServiceApp } from "@shop/service-kit";
import type { createCheckoutPlacer } from "../../flow/place-checkout.js";
import type { CheckoutMetrics } from "../../metrics.js";
import { checkoutBodySchema, checkoutHeadersSchema, postCheckoutResponses } from "./schemas.js";

/** POST /checkout: places the order of a cart and charges the card, once per Idempotency-Key. */
export function registerPostCheckout(
  app: ServiceApp,
  deps: { placeCheckout: ReturnType<typeof createCheckoutPlacer>; metrics: CheckoutMetrics },
): void {
  app.post(
    "/checkout",
    {
      schema: {
        tags: ["checkout"],
        headers: checkoutHeadersSchema,
        body: checkoutBodySchema,
        response: postCheckoutResponses,
      },
    },
    async (request, reply) => {
      const { answer, outcome } = await deps.placeCheckout({
        idempotencyKey: request.headers["idempotency-key"],
        body: request.body,
        requestId: request.id,
        log: request.log,
      });
      deps.metrics.checkouts.inc({ result: outcome });
      // Stored answers were validated by these same schemas when they were first built.
      return reply.code(answer.status as 201).send(answer.body as never);
    },
  );
}
