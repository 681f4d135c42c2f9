import type { ServiceApp } from "@shop/service-kit";
import type { LightMyRequestResponse } from "fastify";

/** One browser: keeps the cookies the storefront sets and sends them back, like a real one would. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly app: ServiceApp) {}

  /** GET `url` with this browser's cookies. */
  async get(url: string): Promise<LightMyRequestResponse> {
    return this.keep(await this.app.inject({ method: "GET", url, headers: this.cookieHeader() }));
  }

  /** POST `form` urlencoded to `url`, as a form submit does. */
  async post(url: string, form: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method: "POST",
        url,
        headers: { ...this.cookieHeader(), "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams(form).toString(),
      }),
    );
  }

  /** Loads `pageUrl`, then submits its form (chosen by `action`) with its hidden fields plus `fields`. */
  async submit(pageUrl: string, action: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    const page = await this.get(pageUrl);
    return this.post(action, { ...hiddenFields(page.body, action), ...fields });
  }

  /** The names of the cookies this browser holds. */
  cookieNames(): string[] {
    return [...this.cookies.keys()];
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ") };
  }

  private keep(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of response.cookies as Array<{ name: string; value: string; maxAge?: number }>) {
      if (cookie.maxAge === 0 || cookie.value === "") this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }
}

const decodeEntities = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** The hidden inputs of the first form in `page` whose action is `action`. */
export function hiddenFields(page: string, action: string): Record<string, string> {
  const start = page.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form with action ${action} on the page`);
  const form = page.slice(start, page.indexOf("</form>", start));
  const fields: Record<string, string> = {};
  for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1] as string] = decodeEntities(match[2] as string);
  }
  return fields;
}
