import { hiddenFields } from "../../../services/storefront/test/support/browser.js";

/** A cookie-keeping client for the storefront over real HTTP, the way a browser without JavaScript uses it. */
export class HttpBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  async get(path: string): Promise<{ status: number; body: string; location: string | null }> {
    return this.send(path, { method: "GET" });
  }

  /** Loads `pagePath`, then submits its form for `action` with the form's hidden fields plus `fields`. */
  async submit(pagePath: string, action: string, fields: Record<string, string>) {
    const page = await this.get(pagePath);
    return this.send(action, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...hiddenFields(page.body, action), ...fields }).toString(),
    });
  }

  private async send(path: string, init: RequestInit) {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(new URL(path, this.baseUrl), {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
      signal: AbortSignal.timeout(15_000),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ""] = header.split(";");
      const [name = "", value = ""] = pair.split("=", 2);
      if (value) this.cookies.set(name.trim(), value);
      else this.cookies.delete(name.trim());
    }
    return { status: response.status, body: await response.text(), location: response.headers.get("location") };
  }
}
