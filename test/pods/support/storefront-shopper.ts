// One shopper buying through the storefront's HTML forms, as a browser without JavaScript would: home page →
// product page → add to cart → checkout form → pay with the sandbox's approved card → order confirmation.
// Runs inside a pod of the cluster (`node storefront-shopper.ts <storefront URL>`, Node 24 strips the types), so it
// may import nothing: it is mounted alone from a ConfigMap. Prints one line per step; the last line is a JSON
// summary; exits 1 at the first step that fails.

const APPROVED_CARD = "4242424242424242";

interface Page {
  readonly status: number;
  readonly location: string | null;
  readonly body: string;
}

class Shopper {
  private readonly cookies = new Map<string, string>();

  // A plain field: Node's type stripping does not take parameter properties.
  private readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  get(path: string): Promise<Page> {
    return this.request("GET", path);
  }

  post(path: string, form: Record<string, string>): Promise<Page> {
    return this.request("POST", path, new URLSearchParams(form).toString());
  }

  private async request(method: string, path: string, body?: string): Promise<Page> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    const response = await fetch(new URL(path, this.base), {
      method,
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(15_000),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === "" || /max-age=0/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, location: response.headers.get("location"), body: await response.text() };
  }
}

function expectStatus(page: Page, status: number, what: string): void {
  if (page.status !== status)
    throw new Error(`${what}: HTTP ${page.status}, expected ${status}: ${page.body.slice(0, 300)}`);
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The hidden inputs of the form posting to `action` on `page`. */
function hiddenFields(page: Page, action: string): Record<string, string> {
  const start = page.body.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form posting to ${action} on the page`);
  const form = page.body.slice(start, page.body.indexOf("</form>", start));
  const fields: Record<string, string> = {};
  for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1] as string] = decodeEntities(match[2] as string);
  }
  return fields;
}

async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  console.log(`ok ${name} (${Date.now() - started} ms)`);
  return result;
}

async function buy(base: string): Promise<{ sku: string; order: string; path: string }> {
  const shopper = new Shopper(base);
  const sku = await step("home page links a product", async () => {
    const home = await shopper.get("/");
    expectStatus(home, 200, "GET /");
    const linked = /href="\/products\/([A-Za-z0-9-]+)"/.exec(home.body)?.[1];
    if (!linked) throw new Error("the home page links no product");
    return linked;
  });
  await step(`add ${sku} to the cart`, async () => {
    const product = await shopper.get(`/products/${sku}`);
    expectStatus(product, 200, `GET /products/${sku}`);
    const added = await shopper.post("/cart/items", { ...hiddenFields(product, "/cart/items"), quantity: "1" });
    expectStatus(added, 303, "POST /cart/items");
  });
  const path = await step("pay with the approved card", async () => {
    const form = await shopper.get("/checkout");
    expectStatus(form, 200, "GET /checkout");
    const paid = await shopper.post("/checkout", {
      ...hiddenFields(form, "/checkout"),
      cardNumber: APPROVED_CARD,
      expMonth: "12",
      expYear: String(new Date().getUTCFullYear() + 2),
      cvc: "123",
      holder: "Pod Shopper",
    });
    expectStatus(paid, 303, "POST /checkout");
    if (!paid.location?.startsWith("/orders/"))
      throw new Error(`checkout redirected to ${paid.location}, not an order`);
    return paid.location;
  });
  const order = await step("the confirmation names the order", async () => {
    const confirmation = await shopper.get(path);
    expectStatus(confirmation, 200, `GET ${path}`);
    const number = /Order number <strong>(ORD-\d+)<\/strong>/.exec(confirmation.body)?.[1];
    if (!number) throw new Error("the confirmation page shows no order number");
    return number;
  });
  return { sku, order, path };
}

const base = process.argv[2];
if (!base) {
  console.error("usage: node storefront-shopper.ts <storefront URL>");
  process.exit(2);
}
try {
  console.log(JSON.stringify({ purchased: await buy(base) }));
} catch (error) {
  console.error(`failed: ${(error as Error).message}`);
  process.exit(1);
}
