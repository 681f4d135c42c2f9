import { errorResponses, idempotencyKeySchema, notFound, type ServiceApp } from "@shop/service-kit";
import { z } from "zod";
import type { createChargeService } from "../payments/charge.js";
import { createPaymentBodySchema, idempotencyHeadersSchema, paymentSchema } from "../payments/schemas.js";
import type { PaymentsRepository } from "../repositories/payments.js";

export interface PaymentRoutesDependencies {
  readonly charges: ReturnType<typeof createChargeService>;
  readonly payments: PaymentsRepository;
}

/** `POST /payments`, `GET /payments/:id`, `GET /payments?idempotencyKey=` and `POST /payments/void`. */
export function registerPaymentRoutes(app: ServiceApp, deps: PaymentRoutesDependencies): void {
  app.post(
    "/payments",
    {
      schema: {
        tags: ["payments"],
        headers: idempotencyHeadersSchema,
        body: createPaymentBodySchema,
        response: { 200: paymentSchema, 201: paymentSchema, 202: paymentSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const answer = await deps.charges.charge(request.headers["idempotency-key"], request.body, request.log);
      return reply.code(answer.statusCode).send(answer.payment);
    },
  );

  app.get(
    "/payments/:id",
    {
      schema: {
        tags: ["payments"],
        params: z.object({ id: z.uuid() }),
        response: { 200: paymentSchema, ...errorResponses },
      },
    },
    async (request) => {
      const payment = await deps.payments.findById(request.params.id);
      if (!payment) throw notFound("Payment", request.params.id);
      return payment;
    },
  );

  app.get(
    "/payments",
    {
      schema: {
        tags: ["payments"],
        querystring: z.strictObject({ idempotencyKey: idempotencyKeySchema }),
        response: { 200: paymentSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { idempotencyKey } = request.query;
      const record = await deps.payments.findByKey(idempotencyKey);
      if (record?.kind !== "payment") throw notFound("Payment with idempotency key", idempotencyKey);
      return record.payment;
    },
  );

  app.post(
    "/payments/void",
    {
      schema: {
        tags: ["payments"],
        headers: idempotencyHeadersSchema,
        response: { 200: z.object({ status: z.literal("voided") }), ...errorResponses },
      },
    },
    async (request) => {
      await deps.charges.voidKey(request.headers["idempotency-key"]);
      return { status: "voided" as const };
    },
  );
}
