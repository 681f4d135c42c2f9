import { createLogger } from "@shop/service-kit";
import { describe, expect, it } from "vitest";
import { buildApp, configSchema } from "../src/index.js";
import { COOKIE_SECRET } from "./support/shop.js";

async function headersWith(secureCookies: string) {
  const config = configSchema.parse({
    API_URL: "http://127.0.0.1:9",
    CHECKOUT_URL: "http://127.0.0.1:9",
    COOKIE_SECRET,
    SECURE_COOKIES: secureCookies,
  });
  const app = await buildApp(config, { logger: createLogger({ service: "storefront", level: "silent" }) });
  try {
    return (await app.inject("/static/site.css")).headers;
  } finally {
    await app.close();
  }
}

describe("HTTPS-only settings follow SECURE_COOKIES", () => {
  it("adds HSTS and upgrade-insecure-requests only when the shop runs behind HTTPS", async () => {
    const secure = await headersWith("true");
    expect(secure["strict-transport-security"]).toMatch(/max-age=\d+/);
    expect(String(secure["content-security-policy"])).toContain("upgrade-insecure-requests");
    const loopback = await headersWith("false");
    expect(loopback["strict-transport-security"]).toBeUndefined();
    expect(String(loopback["content-security-policy"])).not.toContain("upgrade-insecure-requests");
  });
});
