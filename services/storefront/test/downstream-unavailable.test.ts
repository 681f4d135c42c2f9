import { createServer } from "node:net";
import { captureLogs, createLogger, type ServiceApp } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, configSchema } from "../src/index.js";
import { Browser } from "./support/browser.js";
import { COOKIE_SECRET } from "./support/shop.js";

/** A loopback port that nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("when api and checkout cannot be reached", () => {
  const logs = captureLogs();
  let app: ServiceApp;
  beforeAll(async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    app = await buildApp(configSchema.parse({ API_URL: down, CHECKOUT_URL: down, COOKIE_SECRET }), {
      logger: createLogger({ service: "storefront", destination: logs.stream }),
    });
  });
  afterAll(() => app.close());

  it("shows a friendly 503 page and logs the cause with the request id", async () => {
    const page = await new Browser(app).get("/?q=mug");
    expect(page.statusCode).toBe(503);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body).toContain("The shop is briefly unavailable");
    expect(page.body).not.toContain("127.0.0.1");
    const line = logs.lines
      .map((text) => JSON.parse(text))
      .find((entry) => entry.err?.type === "DownstreamUnavailableError");
    expect(line).toMatchObject({ level: 50, requestId: page.headers["x-request-id"] });
    expect(line.err.message).toContain("api is unreachable");
  });

  it("reports not ready, naming both dependencies", async () => {
    const ready = await app.inject("/readyz");
    expect(ready.statusCode).toBe(503);
    expect(Object.keys(ready.json().checks).sort()).toEqual(["api", "checkout"]);
    expect(ready.json().checks.api).toContain("unreachable");
  });

  it("refuses a bad configuration naming the variable", () => {
    const result = configSchema.safeParse({ API_URL: "http://x", CHECKOUT_URL: "http://y", COOKIE_SECRET: "short" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["COOKIE_SECRET"]);
  });
});
