import { z } from "zod";

// What the tests read back from the services themselves, over HTTP, to prove what the pages claim.
const orderSchema = z.object({
  id: z.string(),
  number: z.string(),
  status: z.string(),
  checkoutId: z.string(),
  paymentId: z.string().nullable(),
  totalMinor: z.number(),
  items: z.array(z.object({ sku: z.string(), quantity: z.number() })),
});
const productSchema = z.object({ sku: z.string(), stock: z.number() });
const paymentSchema = z.object({ id: z.string(), status: z.string(), amountMinor: z.number() });

async function getJson<S extends z.ZodType>(url: string, schema: S): Promise<z.infer<S>> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  return schema.parse(await response.json());
}

/** The order as api has it. */
export const orderOf = (apiUrl: string, orderId: string) =>
  getJson(`${apiUrl}/orders/${encodeURIComponent(orderId)}`, orderSchema);

const orderListSchema = z.object({ items: z.array(orderSchema) });

/** Every order api made for one checkout. */
export const ordersOfCheckout = async (apiUrl: string, checkoutId: string) =>
  (await getJson(`${apiUrl}/orders?checkoutId=${encodeURIComponent(checkoutId)}`, orderListSchema)).items;

/** Units in stock, as api's catalog says. */
export const stockOf = async (apiUrl: string, sku: string) =>
  (await getJson(`${apiUrl}/products/${encodeURIComponent(sku)}`, productSchema)).stock;

/** The payment as payments has it. */
export const paymentOf = (paymentsUrl: string, paymentId: string) =>
  getJson(`${paymentsUrl}/payments/${encodeURIComponent(paymentId)}`, paymentSchema);

/** Charges the provider answered since payments started, by outcome (`payments_total{outcome}` on /metrics). */
export async function chargesAnswered(paymentsUrl: string): Promise<{ approved: number; declined: number }> {
  const response = await fetch(`${paymentsUrl}/metrics`, { signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  const count = (outcome: string) =>
    Number(new RegExp(`^payments_total\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`, "m").exec(text)?.[1] ?? 0);
  return { approved: count("approved"), declined: count("declined") };
}
