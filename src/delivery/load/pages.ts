// Reading the storefront's server-rendered pages as a browser without JavaScript would: links, hidden form fields,
// redirects and cookies. Pure functions over the HTML and headers, so the shopper's decisions stay testable.

/** An HTTP answer as the shopper sees it. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** One header of an answer, whatever case the server wrote its name in; repeated headers are joined. */
export function header(answer: Answer, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(answer.headers)) {
    if (key.toLowerCase() === wanted && value !== undefined)
      return typeof value === "string" ? value : value.join(", ");
  }
  return undefined;
}

function setCookieLines(answer: Answer): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(answer.headers)) {
    if (key.toLowerCase() !== "set-cookie" || value === undefined) continue;
    lines.push(...(typeof value === "string" ? [value] : value));
  }
  return lines;
}

/** The cookies of one shopper: kept from every answer, sent with every request. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Takes the answer's Set-Cookie headers; an empty value or Max-Age=0 deletes the cookie. */
  update(answer: Answer): void {
    for (const line of setCookieLines(answer)) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      if (at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The Cookie header to send, or undefined when the jar is empty. */
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The form posting to `action`, or undefined when the page has none. */
function formHtml(body: string, action: string): string | undefined {
  const start = body.indexOf(`action="${action}"`);
  if (start < 0) return undefined;
  const end = body.indexOf("</form>", start);
  return body.slice(start, end < 0 ? undefined : end);
}

/** The hidden inputs (CSRF token, SKU, idempotency key) of the form posting to `action`; undefined without one. */
export function hiddenFields(body: string, action: string): Record<string, string> | undefined {
  const form = formHtml(body, action);
  if (form === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1] as string] = decodeEntities(match[2] as string);
  }
  return fields;
}

/** Whether the form posting to `action` has a disabled submit button (the product is out of stock). */
export function submitDisabled(body: string, action: string): boolean {
  const form = formHtml(body, action);
  return form !== undefined && /<button type="submit"[^>]*\sdisabled/.test(form);
}

/** SKUs of the products a catalog page lists, and which of them it says are in stock. */
export function listedProducts(body: string): { readonly all: string[]; readonly inStock: string[] } {
  const all: string[] = [];
  const inStock: string[] = [];
  for (const card of body.matchAll(/<li class="card">([\s\S]*?)<\/li>/g)) {
    const sku = /href="\/products\/([^"]+)"/.exec(card[1] as string)?.[1];
    if (!sku) continue;
    const decoded = decodeURIComponent(decodeEntities(sku));
    all.push(decoded);
    if (/>In stock</.test(card[1] as string)) inStock.push(decoded);
  }
  return { all, inStock };
}

/** The order id a redirect to `/orders/<id>` names, or undefined for any other location. */
export function orderIdFrom(location: string | undefined): string | undefined {
  const id = /^\/orders\/([^/?#]+)$/.exec(location ?? "")?.[1];
  return id === undefined ? undefined : decodeURIComponent(id);
}
