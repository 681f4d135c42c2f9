// The purchase flow the integration step runs against the shop's containers: list products, fill a cart in api,
// pay through checkout with an approved card, repeat with the same idempotency key, then pay with a declined card.
// Node built-ins and fetch only, so it runs in any Node container with tsx (src/plan/smoke.ts names it for the
// integration step):
//   SMOKE_STOREFRONT_URL=… SMOKE_API_URL=… SMOKE_CHECKOUT_URL=… tsx test/integration/smoke.ts
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { type ShopUrls, SMOKE_URL_VARIABLES } from "../../src/plan/smoke.js";

export type { ShopUrls };

/** One step of the flow and what it saw. */
export interface SmokeCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface SmokeOptions {
  readonly urls: ShopUrls;
  /** How long to wait for every service's /readyz (default 60 s). */
  readonly readyTimeoutMs?: number;
  /** Called with each check as it completes. */
  readonly onCheck?: (check: SmokeCheck) => void;
}

/** Sandbox cards of the payments service (docs/services.md). */
export const SMOKE_CARDS = { approved: "4242424242424242", declined: "4000000000000002" } as const;

class CheckFailed extends Error {}

interface Answer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers of every shape are checked field by field
  readonly body: any;
  readonly text: string;
}

async function call(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: response.status, body: parsed, text };
}

function expectStatus(answer: Answer, expected: number, what: string): void {
  if (answer.status !== expected) {
    throw new CheckFailed(`${what}: expected HTTP ${expected}, got ${answer.status}: ${answer.text.slice(0, 500)}`);
  }
}

function expectThat(condition: boolean, message: string): void {
  if (!condition) throw new CheckFailed(message);
}

async function waitUntilReady(urls: ShopUrls, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(Object.entries(urls).map(([name, url]) => `${name} ${url}/readyz`));
  let last = "";
  while (pending.size > 0) {
    for (const entry of [...pending]) {
      const url = entry.slice(entry.indexOf(" ") + 1);
      try {
        const answer = await call("GET", url);
        if (answer.status === 200) pending.delete(entry);
        else last = `${entry} answered ${answer.status}`;
      } catch (error) {
        last = `${entry}: ${(error as Error).message}`;
      }
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) {
      throw new CheckFailed(`not ready after ${timeoutMs} ms: ${[...pending].join(", ")} (last: ${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return `${Object.keys(urls).join(", ")} answer /readyz`;
}

const card = (number: string) => ({ number, expMonth: 12, expYear: new Date().getFullYear() + 3, cvc: "123" });

/** Runs the flow and returns one check per step; after a failed step the rest are reported as not run. */
export async function runSmoke(options: SmokeOptions): Promise<SmokeCheck[]> {
  const { urls } = options;
  const checks: SmokeCheck[] = [];
  const step = async (name: string, work: () => Promise<string>): Promise<boolean> => {
    let check: SmokeCheck;
    try {
      check = { name, ok: true, detail: await work() };
    } catch (error) {
      check = { name, ok: false, detail: error instanceof CheckFailed ? error.message : String(error) };
    }
    checks.push(check);
    options.onCheck?.(check);
    return check.ok;
  };
  const stockOf = async (sku: string): Promise<number> => {
    const product = await call("GET", `${urls.api}/products/${encodeURIComponent(sku)}`);
    expectStatus(product, 200, `GET api /products/${sku}`);
    return Number(product.body.stock);
  };
  const newCart = async (sku: string): Promise<string> => {
    const cart = await call("POST", `${urls.api}/carts`, {});
    expectStatus(cart, 201, "POST api /carts");
    const added = await call("POST", `${urls.api}/carts/${cart.body.id}/items`, { sku, quantity: 1 });
    expectStatus(added, 200, `POST api /carts/${cart.body.id}/items`);
    expectThat(added.body.itemCount === 1 && added.body.totalMinor > 0, `cart total not computed: ${added.text}`);
    return cart.body.id as string;
  };

  let sku = "";
  let stock = 0;
  let cartId = "";
  const key = `smoke-${randomUUID()}`;
  let paid: Answer | undefined;

  const flow: [string, () => Promise<string>][] = [
    ["services are ready", () => waitUntilReady(urls, options.readyTimeoutMs ?? 60_000)],
    [
      "storefront lists products",
      async () => {
        const home = await call("GET", `${urls.storefront}/`);
        expectStatus(home, 200, "GET storefront /");
        const linked = /href="\/products\/([A-Z0-9-]+)"/.exec(home.text)?.[1];
        expectThat(linked !== undefined, "storefront home page links no product");
        return `home page links /products/${linked}`;
      },
    ],
    [
      "api lists products",
      async () => {
        const list = await call("GET", `${urls.api}/products?limit=100`);
        expectStatus(list, 200, "GET api /products");
        const items = (list.body?.items ?? []) as { sku: string; stock: number }[];
        const product = items.find((item) => item.stock >= 2);
        expectThat(product !== undefined, `no product with stock ≥ 2 among ${items.length}`);
        sku = (product as { sku: string }).sku;
        stock = (product as { stock: number }).stock;
        return `${items.length} products; buying ${sku} (stock ${stock})`;
      },
    ],
    [
      "cart filled through api",
      async () => {
        cartId = await newCart(sku);
        return `cart ${cartId} holds 1 × ${sku}`;
      },
    ],
    [
      "approved card: 201 paid",
      async () => {
        paid = await call(
          "POST",
          `${urls.checkout}/checkout`,
          { cartId, card: card(SMOKE_CARDS.approved) },
          { "idempotency-key": key },
        );
        expectStatus(paid, 201, "POST checkout /checkout (approved card)");
        expectThat(paid.body.status === "paid", `checkout status ${paid.body.status}, expected paid`);
        expectThat(paid.body.order?.status === "paid", `order status ${paid.body.order?.status}, expected paid`);
        const after = await stockOf(sku);
        expectThat(after === stock - 1, `stock of ${sku} is ${after}, expected ${stock - 1}`);
        return `order ${paid.body.order.number} paid, stock ${stock} → ${after}`;
      },
    ],
    [
      "same idempotency key: same order",
      async () => {
        const again = await call(
          "POST",
          `${urls.checkout}/checkout`,
          { cartId, card: card(SMOKE_CARDS.approved) },
          { "idempotency-key": key },
        );
        expectThat(again.status === 200 || again.status === 201, `repeat answered ${again.status}: ${again.text}`);
        const first = (paid as Answer).body;
        expectThat(
          again.body.checkoutId === first.checkoutId,
          `checkout ${again.body.checkoutId} ≠ ${first.checkoutId}`,
        );
        expectThat(again.body.order?.id === first.order.id, `order ${again.body.order?.id} ≠ ${first.order.id}`);
        const after = await stockOf(sku);
        expectThat(after === stock - 1, `stock of ${sku} is ${after} after the repeat, expected ${stock - 1}`);
        return `HTTP ${again.status}, order ${first.order.number} again, stock unchanged`;
      },
    ],
    [
      "declined card: 402 payment_declined",
      async () => {
        const declinedCart = await newCart(sku);
        const declined = await call(
          "POST",
          `${urls.checkout}/checkout`,
          { cartId: declinedCart, card: card(SMOKE_CARDS.declined) },
          { "idempotency-key": `smoke-${randomUUID()}` },
        );
        expectStatus(declined, 402, "POST checkout /checkout (declined card)");
        expectThat(
          declined.body.error === "payment_declined",
          `error ${declined.body.error}, expected payment_declined`,
        );
        const order = declined.body.details?.order;
        expectThat(order?.status === "payment_failed", `order status ${order?.status}, expected payment_failed`);
        const after = await stockOf(sku);
        expectThat(after === stock - 1, `stock of ${sku} is ${after} after the decline, expected ${stock - 1}`);
        return `order ${order.number} payment_failed, stock given back`;
      },
    ],
  ];

  let failed = false;
  for (const [name, work] of flow) {
    if (failed) checks.push({ name, ok: false, detail: "not run: an earlier check failed" });
    else failed = !(await step(name, work));
  }
  return checks;
}

/** One line per check, and a last line that says whether the flow passed. */
export function formatSmokeReport(checks: readonly SmokeCheck[]): string {
  const lines = checks.map((check) => `${check.ok ? "ok  " : "FAIL"} ${check.name}: ${check.detail}`);
  const passed = checks.filter((check) => check.ok).length;
  lines.push(
    passed === checks.length
      ? `smoke: ${passed} checks passed`
      : `smoke: FAILED (${passed} of ${checks.length} checks passed)`,
  );
  return lines.join("\n");
}

function urlsFromEnv(env: NodeJS.ProcessEnv): ShopUrls {
  const read = (name: keyof ShopUrls) => {
    const value = env[SMOKE_URL_VARIABLES[name]];
    if (!value) throw new Error(`${SMOKE_URL_VARIABLES[name]} is not set`);
    return value.replace(/\/+$/, "");
  };
  return { storefront: read("storefront"), api: read("api"), checkout: read("checkout") };
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  const checks = await runSmoke({
    urls: urlsFromEnv(process.env),
    onCheck: (c) => console.log(`${c.ok ? "ok  " : "FAIL"} ${c.name}`),
  });
  const report = formatSmokeReport(checks);
  console.log(`\n${report}`);
  if (!checks.every((check) => check.ok)) process.exitCode = 1;
}
