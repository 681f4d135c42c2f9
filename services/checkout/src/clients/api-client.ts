import { DownstreamError, ServiceClient } from "@shop/service-kit";
import { type Order, orderSchema } from "@shop/shop-contracts";
import { z } from "zod";
import { isClientError, parseBody } from "./expect.js";
import { type Rejection, toRejection } from "./schemas.js";

/** An answer that is either the order or api's refusal (a 4xx) of the request. */
export type OrderAnswer =
  | { readonly ok: true; readonly order: Order }
  | { readonly ok: false; readonly rejection: Rejection };

export interface ApiClientOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
}

const SERVICE = "api";

/** The calls checkout makes to api's orders; 5xx and no answer throw, 4xx come back as rejections. */
export function createApiClient(options: ApiClientOptions) {
  const client = new ServiceClient({ service: SERVICE, ...options });

  const orderAnswer = (result: { status: number; body: unknown }): OrderAnswer =>
    isClientError(SERVICE, result)
      ? { ok: false, rejection: toRejection(result.status, result.body) }
      : { ok: true, order: parseBody(SERVICE, result, orderSchema) };

  return {
    /** Creates (or finds, for the same checkoutId) the pending order that reserves the cart's stock. */
    async createOrder(cartId: string, checkoutId: string, requestId?: string): Promise<OrderAnswer> {
      return orderAnswer(await client.call("POST", "/orders", { body: { cartId, checkoutId }, requestId }));
    },

    /** The order a checkout created, or null when api has none. */
    async findOrderByCheckout(checkoutId: string, requestId?: string): Promise<Order | null> {
      const path = `/orders?checkoutId=${encodeURIComponent(checkoutId)}`;
      const result = await client.call("GET", path, { requestId });
      if (isClientError(SERVICE, result)) throw toDownstreamError(result);
      return parseBody(SERVICE, result, z.object({ items: z.array(orderSchema) })).items[0] ?? null;
    },

    /** One order by id. */
    async getOrder(orderId: string, requestId?: string): Promise<OrderAnswer> {
      return orderAnswer(await client.call("GET", `/orders/${encodeURIComponent(orderId)}`, { requestId }));
    },

    /** Moves an order to `to`; a move the order cannot make comes back as a rejection (409 invalid_transition). */
    async transition(
      orderId: string,
      change: { to: "paid" | "payment_failed"; paymentId?: string; reason?: string },
      requestId?: string,
    ): Promise<OrderAnswer> {
      const path = `/orders/${encodeURIComponent(orderId)}/transitions`;
      return orderAnswer(await client.call("POST", path, { body: change, requestId }));
    },

    /** Resolves when api's /healthz answers 200. */
    async health(): Promise<void> {
      const result = await client.call("GET", "/healthz");
      if (result.status !== 200) throw new Error(`api /healthz answered ${result.status}`);
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

function toDownstreamError(result: { status: number; body: unknown }) {
  return new DownstreamError(SERVICE, result.status, result.body);
}
