import { DownstreamError, type ServiceClient } from "@shop/service-kit";
import { expectAnswer, expectOutcome, type Outcome } from "./answers.js";
import {
  type Cart,
  cartSchema,
  type Order,
  orderSchema,
  type Product,
  type ProductPage,
  productPageSchema,
  productSchema,
} from "./schemas.js";

const SERVICE = "api";
const CART_REJECTIONS = [400, 404, 409] as const;

/** What the storefront asks of the api service: catalog, carts and orders. */
export interface ApiClient {
  listProducts(requestId: string, query: { q?: string; limit: number; offset: number }): Promise<ProductPage>;
  getProduct(requestId: string, sku: string): Promise<Product | null>;
  createCart(requestId: string): Promise<Cart>;
  getCart(requestId: string, cartId: string): Promise<Cart | null>;
  addItem(requestId: string, cartId: string, sku: string, quantity: number): Promise<Outcome<Cart>>;
  setQuantity(requestId: string, cartId: string, sku: string, quantity: number): Promise<Outcome<Cart>>;
  removeItem(requestId: string, cartId: string, sku: string): Promise<Outcome<Cart>>;
  getOrder(requestId: string, orderId: string): Promise<Order | null>;
  /** Resolves when api's /healthz answers 200. */
  health(): Promise<void>;
}

/** An ApiClient over the kit's ServiceClient. */
export function createApiClient(http: ServiceClient): ApiClient {
  return {
    async listProducts(requestId, { q, limit, offset }) {
      const params = new URLSearchParams({ limit: String(limit), offset: String(offset) });
      if (q) params.set("q", q);
      const result = await http.call("GET", `/products?${params}`, { requestId });
      return expectAnswer(SERVICE, result, [200], productPageSchema);
    },
    async getProduct(requestId, sku) {
      const result = await http.call("GET", `/products/${encodeURIComponent(sku)}`, { requestId });
      if (result.status === 404) return null;
      return expectAnswer(SERVICE, result, [200], productSchema);
    },
    async createCart(requestId) {
      const result = await http.call("POST", "/carts", { requestId, body: {} });
      return expectAnswer(SERVICE, result, [201], cartSchema);
    },
    async getCart(requestId, cartId) {
      const result = await http.call("GET", `/carts/${encodeURIComponent(cartId)}`, { requestId });
      // A cart id that api does not know (or refuses as malformed) is simply no cart.
      if (result.status === 404 || result.status === 400) return null;
      return expectAnswer(SERVICE, result, [200], cartSchema);
    },
    async addItem(requestId, cartId, sku, quantity) {
      const result = await http.call("POST", `/carts/${encodeURIComponent(cartId)}/items`, {
        requestId,
        body: { sku, quantity },
      });
      return expectOutcome(SERVICE, result, [200, 201], cartSchema, CART_REJECTIONS);
    },
    async setQuantity(requestId, cartId, sku, quantity) {
      const result = await http.call("PUT", `/carts/${encodeURIComponent(cartId)}/items/${encodeURIComponent(sku)}`, {
        requestId,
        body: { quantity },
      });
      return expectOutcome(SERVICE, result, [200], cartSchema, CART_REJECTIONS);
    },
    async removeItem(requestId, cartId, sku) {
      const result = await http.call(
        "DELETE",
        `/carts/${encodeURIComponent(cartId)}/items/${encodeURIComponent(sku)}`,
        { requestId },
      );
      return expectOutcome(SERVICE, result, [200], cartSchema, CART_REJECTIONS);
    },
    async getOrder(requestId, orderId) {
      const result = await http.call("GET", `/orders/${encodeURIComponent(orderId)}`, { requestId });
      if (result.status === 404 || result.status === 400) return null;
      return expectAnswer(SERVICE, result, [200], orderSchema);
    },
    async health() {
      const result = await http.call("GET", "/healthz");
      if (result.status !== 200) throw new DownstreamError(SERVICE, result.status, result.body);
    },
  };
}
