import { Counter, type Registry } from "@shop/service-kit";
import type { FastifyReply } from "fastify";
import type { SafeHtml } from "./views/html.js";

/** The pages counted in `storefront_page_views_total{page}`. */
export type PageName =
  | "home"
  | "product"
  | "cart"
  | "checkout"
  | "order"
  | "payment_declined"
  | "payment_pending"
  | "not_found"
  | "error";

/** Sends rendered pages and counts each view. */
export interface PageSender {
  send(reply: FastifyReply, page: PageName, body: SafeHtml, statusCode?: number): FastifyReply;
}

/** A PageSender that registers `storefront_page_views_total{page}` on `registry`. */
export function createPageSender(registry: Registry): PageSender {
  const views = new Counter({
    name: "storefront_page_views_total",
    help: "HTML pages served, by page",
    labelNames: ["page"] as const,
    registers: [registry],
  });
  return {
    send(reply, page, body, statusCode = 200) {
      views.inc({ page });
      // Pages hold a per-render CSRF token and idempotency key, and some show personal order data.
      return reply
        .code(statusCode)
        .header("content-type", "text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .send(body.value);
    },
  };
}
