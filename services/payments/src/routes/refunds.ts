import { errorResponses, type ServiceApp } from "@shop/service-kit";
import { z } from "zod";
import type { createRefundService } from "../payments/refund.js";
import { createRefundBodySchema, idempotencyHeadersSchema, paymentSchema } from "../payments/schemas.js";

/** `POST /payments/:id/refunds`: whole or partial, idempotent per key. */
export function registerRefundRoutes(app: ServiceApp, refunds: ReturnType<typeof createRefundService>): void {
  app.post(
    "/payments/:id/refunds",
    {
      schema: {
        tags: ["payments"],
        params: z.object({ id: z.uuid() }),
        headers: idempotencyHeadersSchema,
        body: createRefundBodySchema,
        response: { 201: paymentSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const payment = await refunds.refund(
        request.params.id,
        request.headers["idempotency-key"],
        request.body?.amountMinor ?? null,
      );
      return reply.code(201).send(payment);
    },
  );
}
