import type { Page } from "playwright-core";

/** Sandbox cards as a shopper types them, with spaces; the slow one is approved after payments' SANDBOX_SLOW_MS. */
export const CARDS = {
  approved: "4242 4242 4242 4242",
  declined: "4000 0000 0000 0002",
  slowApproved: "4000 0000 0000 0259",
} as const;

/** Fills the checkout form with `cardNumber` and an expiry two years ahead. */
export async function fillCard(page: Page, cardNumber: string): Promise<void> {
  await page.getByLabel("Name on card").fill("Ada Lovelace");
  await page.getByLabel("Card number").fill(cardNumber);
  await page.getByLabel("Expiry month (MM)").fill("12");
  await page.getByLabel("Expiry year (YYYY)").fill(String(new Date().getFullYear() + 2));
  await page.getByLabel("Security code (CVC)").fill("123");
}

/** Opens the product page of `sku` and adds `quantity` of it, ending on the cart page. */
export async function addToCart(page: Page, storefrontUrl: string, sku: string, quantity: number): Promise<void> {
  await page.goto(`${storefrontUrl}/products/${sku}`);
  await page.getByLabel("Quantity").fill(String(quantity));
  await Promise.all([page.waitForURL(/\/cart$/), page.getByRole("button", { name: "Add to cart" }).click()]);
}

/** The order id in a confirmation page's URL (`/orders/:id`). */
export function orderIdIn(url: string): string {
  const id = /\/orders\/([0-9a-f-]{36})$/.exec(new URL(url).pathname)?.[1];
  if (!id) throw new Error(`not an order page: ${url}`);
  return id;
}
