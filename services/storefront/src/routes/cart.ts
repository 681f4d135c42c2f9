import type { ServiceApp } from "@shop/service-kit";
import { z } from "zod";
import type { Rejection } from "../downstream/answers.js";
import { checkForm, quantityFormSchema, storableText } from "../forms.js";
import { productPage } from "../views/catalog.js";
import { notFoundPage } from "../views/error.js";
import { sendCartPage } from "./cart-page.js";
import { currentOpenCart, productName } from "./current-cart.js";
import { csrfField, type PageDeps, pageResponses, skuSchema } from "./deps.js";

const quantityInput = storableText(10);
const stockDetails = z.object({ sku: z.string(), available: z.number().int().optional() });

/** Says in words why api refused a cart change. */
function cartProblem(rejection: Rejection, name: string): string {
  if (rejection.error === "out_of_stock") {
    const available = stockDetails.safeParse(rejection.details).data?.available;
    return available === undefined
      ? `Sorry, we do not have that many of “${name}” in stock.`
      : `Sorry, only ${available} of “${name}” ${available === 1 ? "is" : "are"} in stock.`;
  }
  return `We could not change your cart: ${rejection.message}`;
}

/** `GET /cart` and the forms that add, change and remove lines; each POST answers 303 to the cart page. */
export function cartRoutes(app: ServiceApp, deps: PageDeps): void {
  const { api, sessions, pages } = deps;
  app.get("/cart", { schema: { response: pageResponses } }, async (request, reply) =>
    sendCartPage(deps, request, reply),
  );

  app.post(
    "/cart/items",
    {
      preValidation: app.csrfProtection,
      schema: {
        body: z.strictObject({ ...csrfField, sku: skuSchema, quantity: quantityInput }),
        response: pageResponses,
      },
    },
    async (request, reply) => {
      const { sku } = request.body;
      const form = checkForm(quantityFormSchema, request.body);
      if (!form.ok) {
        const product = await api.getProduct(request.id, sku);
        if (!product) return pages.send(reply, "not_found", notFoundPage("That product"), 404);
        const view = {
          product,
          csrfToken: reply.generateCsrf(),
          quantity: request.body.quantity,
          error: form.errors.quantity,
        };
        return pages.send(reply, "product", productPage(view), 400);
      }
      const cart = (await currentOpenCart(deps, request)) ?? (await api.createCart(request.id));
      const outcome = await api.addItem(request.id, cart.id, sku, form.data.quantity);
      sessions.write(reply, { ...sessions.read(request), cartId: cart.id });
      if (outcome.ok) return reply.redirect("/cart", 303);

      const refused = await api.getProduct(request.id, sku);
      if (!refused) return pages.send(reply, "not_found", notFoundPage("That product"), 404);
      const problem = cartProblem(outcome.rejection, refused.name);
      const view = { product: refused, csrfToken: reply.generateCsrf(), quantity: request.body.quantity, problem };
      return pages.send(reply, "product", productPage(view), outcome.rejection.status);
    },
  );

  app.post(
    "/cart/items/:sku",
    {
      preValidation: app.csrfProtection,
      schema: {
        params: z.object({ sku: skuSchema }),
        body: z.strictObject({ ...csrfField, quantity: quantityInput }),
        response: pageResponses,
      },
    },
    async (request, reply) => {
      const { sku } = request.params;
      // The refused value stays in the box next to its message, so the shopper sees what was wrong.
      const submitted = { [sku]: request.body.quantity };
      const form = checkForm(quantityFormSchema, request.body);
      if (!form.ok) {
        const lineErrors = { [sku]: form.errors.quantity ?? "" };
        return sendCartPage(deps, request, reply, { status: 400, lineErrors, submitted });
      }
      const cart = await currentOpenCart(deps, request);
      if (!cart) return reply.redirect("/cart", 303);
      const outcome = await api.setQuantity(request.id, cart.id, sku, form.data.quantity);
      if (outcome.ok) return reply.redirect("/cart", 303);
      const lineErrors = { [sku]: cartProblem(outcome.rejection, productName(cart, sku)) };
      return sendCartPage(deps, request, reply, { cart, status: outcome.rejection.status, lineErrors, submitted });
    },
  );

  app.post(
    "/cart/items/:sku/remove",
    {
      preValidation: app.csrfProtection,
      schema: { params: z.object({ sku: skuSchema }), body: z.strictObject(csrfField), response: pageResponses },
    },
    async (request, reply) => {
      const cart = await currentOpenCart(deps, request);
      if (cart) {
        const outcome = await api.removeItem(request.id, cart.id, request.params.sku);
        if (!outcome.ok) {
          const problem = cartProblem(outcome.rejection, productName(cart, request.params.sku));
          return sendCartPage(deps, request, reply, { cart, status: outcome.rejection.status, problem });
        }
      }
      return reply.redirect("/cart", 303);
    },
  );
}
