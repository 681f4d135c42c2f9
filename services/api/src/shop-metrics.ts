import { Counter, type Registry } from "@shop/service-kit";

/** Business counters of the api, registered on the app's own registry. */
export function createShopMetrics(registry: Registry) {
  return {
    ordersTotal: new Counter({
      name: "shop_orders_total",
      help: "Orders that entered each status",
      labelNames: ["status"] as const,
      registers: [registry],
    }),
    stockReservationsTotal: new Counter({
      name: "shop_stock_reservations_total",
      help: "Stock reservations by outcome: reserved, out_of_stock, released",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
  };
}

export type ShopMetrics = ReturnType<typeof createShopMetrics>;
