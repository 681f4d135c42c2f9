import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import csrfProtection from "@fastify/csrf-protection";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import { createServiceApp, type ServiceApp, ServiceClient } from "@shop/service-kit";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { createApiClient } from "./downstream/api-client.js";
import { createCheckoutClient } from "./downstream/checkout-client.js";
import { installErrorPages } from "./error-pages.js";
import { createPageSender } from "./pages.js";
import { cartRoutes } from "./routes/cart.js";
import { catalogRoutes } from "./routes/catalog.js";
import { checkoutRoutes } from "./routes/checkout.js";
import { type PageDeps, pageResponses } from "./routes/deps.js";
import { orderRoutes } from "./routes/orders.js";
import { createSessionStore } from "./session.js";
import { notFoundPage } from "./views/error.js";

const STATIC_DIR = fileURLToPath(new URL("../static/", import.meta.url));
// Forms are a handful of short fields; anything bigger is not one of ours.
const FORM_BODY_LIMIT = 8 * 1024;

/** Builds the storefront (not listening): security headers, cookies, CSRF, static files and the HTML pages. */
export async function buildApp(config: Config, options: { logger: Logger }): Promise<ServiceApp> {
  const downstream = (service: string, baseUrl: string) =>
    new ServiceClient({ service, baseUrl, timeoutMs: config.DOWNSTREAM_TIMEOUT_MS });
  const api = createApiClient(downstream("api", config.API_URL));
  const checkout = createCheckoutClient(downstream("checkout", config.CHECKOUT_URL), config.CHECKOUT_TIMEOUT_MS);
  const secure = config.SECURE_COOKIES;

  const app = await createServiceApp({
    service: "storefront",
    logger: options.logger,
    bodyLimit: FORM_BODY_LIMIT,
    readiness: { api: () => api.health(), checkout: () => checkout.health() },
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "same-origin" },
    hsts: secure ? { maxAge: 15_552_000, includeSubDomains: true } : false,
  });
  await app.register(cookie, { secret: config.COOKIE_SECRET });
  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT });
  await app.register(csrfProtection, {
    cookieKey: "shop_csrf",
    cookieOpts: { signed: true, httpOnly: true, sameSite: "lax", secure, path: "/" },
  });
  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: "/static/", maxAge: "1h", index: false });

  const pages = createPageSender(app.metrics);
  const deps: PageDeps = { api, checkout, sessions: createSessionStore(secure), pages, now: () => new Date() };
  await app.register(async (scope: ServiceApp) => {
    installErrorPages(scope, pages);
    catalogRoutes(scope, deps);
    cartRoutes(scope, deps);
    checkoutRoutes(scope, deps);
    orderRoutes(scope, deps);
    // Browsers and crawlers ask for /favicon.ico whatever the page declares.
    scope.get("/favicon.ico", { schema: { hide: true } }, async (_request, reply) => reply.sendFile("favicon.svg"));
    scope.get("/*", { schema: { hide: true, response: pageResponses } }, async (_request, reply) =>
      pages.send(reply, "not_found", notFoundPage("This page"), 404),
    );
  });
  return app;
}
