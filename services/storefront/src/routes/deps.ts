import { z } from "zod";
import type { ApiClient } from "../downstream/api-client.js";
import type { CheckoutClient } from "../downstream/checkout-client.js";
import { storableText } from "../forms.js";
import type { PageSender } from "../pages.js";
import type { SessionStore } from "../session.js";

/** What the page routes share: downstream clients, the session cookie, the page sender and a clock. */
export interface PageDeps {
  readonly api: ApiClient;
  readonly checkout: CheckoutClient;
  readonly sessions: SessionStore;
  readonly pages: PageSender;
  readonly now: () => Date;
}

/** The field every POST form carries; @fastify/csrf-protection checks it before the body is validated. */
export const csrfField = { _csrf: storableText(200) };

/** A product SKU in a URL, as the contract defines it. */
export const skuSchema = z.string().regex(/^[A-Z0-9-]{3,32}$/, "is not a product SKU");

/** An opaque id of a downstream resource (cart, order, checkout) in a URL. */
export const resourceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "is not a valid id");

const htmlPage = z.string().describe("text/html page");

/** Every page answers HTML (or a 303 to another page); documented here for every status a page route sends. */
export const pageResponses = {
  200: htmlPage,
  303: z.string().describe("redirect to the next page (Location header)"),
  400: htmlPage,
  402: htmlPage,
  403: htmlPage,
  404: htmlPage,
  409: htmlPage,
  503: htmlPage,
} as const;
