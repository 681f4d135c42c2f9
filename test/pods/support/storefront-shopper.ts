// One shopper buying through the storefront's HTML forms, as a browser without JavaScript would: catalog page →
// product page → add to cart → checkout form → pay with the sandbox's approved card → order confirmation. Runs
// inside a pod of the cluster (`node shopper.mjs <storefront URL>`), bundled with the page reading it shares with
// the synthetic load (src/delivery/load/pages.ts) by bundleProgram. Prints one line per step; the last line is a
// JSON summary; exits 1 at the first step that fails.
import {
  type Answer,
  CookieJar,
  header,
  hiddenFields,
  listedProducts,
  orderIdFrom,
} from "../../../src/delivery/load/pages.js";
import { APPROVED_CARD } from "../../../src/delivery/load/purchase-visit.js";

/** Fetches pages for one shopper, keeping its cookies and never following redirects. */
function shopperSession(base: string) {
  const jar = new CookieJar();
  const request = async (method: string, path: string, form?: Record<string, string>): Promise<Answer> => {
    const headers: Record<string, string> = {};
    const cookie = jar.header();
    if (cookie) headers.cookie = cookie;
    if (form) headers["content-type"] = "application/x-www-form-urlencoded";
    const response = await fetch(new URL(path, base), {
      method,
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: "manual",
      signal: AbortSignal.timeout(15_000),
    });
    const answer: Answer = {
      status: response.status,
      body: await response.text(),
      headers: {
        "set-cookie": response.headers.getSetCookie(),
        location: response.headers.get("location") ?? undefined,
      },
    };
    jar.update(answer);
    return answer;
  };
  return {
    get: (path: string) => request("GET", path),
    post: (path: string, form: Record<string, string>) => request("POST", path, form),
  };
}

function expectStatus(answer: Answer, status: number, what: string): void {
  if (answer.status !== status)
    throw new Error(`${what}: HTTP ${answer.status}, expected ${status}: ${answer.body.slice(0, 300)}`);
}

function formFields(answer: Answer, action: string): Record<string, string> {
  const fields = hiddenFields(answer.body, action);
  if (!fields) throw new Error(`no form posting to ${action} on the page`);
  return fields;
}

async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  console.log(`ok ${name} (${Date.now() - started} ms)`);
  return result;
}

async function buy(base: string): Promise<{ sku: string; order: string }> {
  const shopper = shopperSession(base);
  const sku = await step("the catalog lists a product in stock", async () => {
    const catalog = await shopper.get("/");
    expectStatus(catalog, 200, "GET /");
    const [first] = listedProducts(catalog.body).inStock;
    if (!first) throw new Error("the catalog lists no product in stock");
    return first;
  });
  await step(`add ${sku} to the cart`, async () => {
    const product = await shopper.get(`/products/${encodeURIComponent(sku)}`);
    expectStatus(product, 200, `GET /products/${sku}`);
    const added = await shopper.post("/cart/items", { ...formFields(product, "/cart/items"), quantity: "1" });
    expectStatus(added, 303, "POST /cart/items");
  });
  const path = await step("pay with the approved card", async () => {
    const form = await shopper.get("/checkout");
    expectStatus(form, 200, "GET /checkout");
    const paid = await shopper.post("/checkout", {
      ...formFields(form, "/checkout"),
      cardNumber: APPROVED_CARD,
      expMonth: "12",
      expYear: String(new Date().getUTCFullYear() + 2),
      cvc: "123",
      holder: "Pod Shopper",
    });
    expectStatus(paid, 303, "POST /checkout");
    const location = header(paid, "location");
    if (!location || !orderIdFrom(location)) throw new Error(`checkout redirected to ${location}, not an order`);
    return location;
  });
  const order = await step("the confirmation names the order", async () => {
    const confirmation = await shopper.get(path);
    expectStatus(confirmation, 200, `GET ${path}`);
    const number = /Order number <strong>(ORD-\d+)<\/strong>/.exec(confirmation.body)?.[1];
    if (!number) throw new Error("the confirmation page shows no order number");
    return number;
  });
  return { sku, order };
}

const base = process.argv[2];
if (!base) {
  console.error("usage: node shopper.mjs <storefront URL>");
  process.exit(2);
}
try {
  console.log(JSON.stringify({ purchased: await buy(base) }));
} catch (error) {
  console.error(`failed: ${(error as Error).message}`);
  process.exit(1);
}
