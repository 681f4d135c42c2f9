import { randomUUID } from "node:crypto";
import type { ServiceApp } from "@shop/service-kit";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Rejection } from "../downstream/answers.js";
import type { Cart } from "../downstream/schemas.js";
import { checkForm, checkoutFormSchema, type FieldErrors, storableText } from "../forms.js";
import { remember } from "../session.js";
import { type CheckoutFormValues, checkoutPage } from "../views/checkout.js";
import { errorPage, notFoundPage } from "../views/error.js";
import { paymentDeclinedPage, paymentPendingPage } from "../views/payment.js";
import { sendCartPage, shortLines } from "./cart-page.js";
import { currentOpenCart, productName } from "./current-cart.js";
import { csrfField, type PageDeps, pageResponses, resourceIdSchema } from "./deps.js";

const checkoutBody = z.strictObject({
  ...csrfField,
  idempotencyKey: storableText(200),
  holder: storableText(200),
  cardNumber: storableText(40),
  expMonth: storableText(10),
  expYear: storableText(10),
  cvc: storableText(10),
});

// Downstream field names mapped to form fields; our own words are shown, never the downstream message or value.
const CARD_FIELDS: Readonly<Record<string, { field: string; message: string }>> = {
  "body.card.number": { field: "cardNumber", message: "This card number was not accepted; please check it" },
  "body.card.expMonth": { field: "expMonth", message: "This expiry date was not accepted" },
  "body.card.expYear": { field: "expYear", message: "This expiry date was not accepted" },
  "body.card.cvc": { field: "cvc", message: "This security code was not accepted" },
};
const fieldIssues = z.array(z.object({ field: z.string() }));
const stockDetails = z.object({ sku: z.string() });
// Only picks the sentence the declined page shows; the outcome itself always comes from checkout.
const declineCodeSchema = z.string().regex(/^[a-z_]{1,40}$/, "is not a decline code");

function cardFieldErrors(rejection: Rejection): FieldErrors {
  const issues = fieldIssues.safeParse(rejection.details).data ?? [];
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const known = CARD_FIELDS[issue.field];
    if (known) errors[known.field] ??= known.message;
  }
  return Object.keys(errors).length > 0 ? errors : { form: "The payment details were not accepted; please check them" };
}

/** The checkout form, placing the order, and the page a pending payment refreshes. */
export function checkoutRoutes(app: ServiceApp, deps: PageDeps): void {
  const { checkout, sessions, pages } = deps;

  const sendForm = (
    reply: FastifyReply,
    cart: Cart,
    status: number,
    form: { values?: CheckoutFormValues; errors?: FieldErrors; problem?: string } = {},
  ) => {
    const view = { cart, csrfToken: reply.generateCsrf(), idempotencyKey: randomUUID(), ...form };
    return pages.send(reply, "checkout", checkoutPage(view), status);
  };

  const explainRejection = async (request: FastifyRequest, reply: FastifyReply, rejection: Rejection) => {
    const sendCartProblem = (cart: Cart | null, problem: string) =>
      sendCartPage(deps, request, reply, { cart, status: 409, problem });
    const cart = await currentOpenCart(deps, request);
    if (rejection.error === "cart_not_open" || !cart) {
      return sendCartProblem(null, "This cart has already been ordered.");
    }
    switch (rejection.error) {
      case "out_of_stock": {
        const sku = stockDetails.safeParse(rejection.details).data?.sku ?? "";
        const problem = `Sorry, “${productName(cart, sku)}” is no longer available in the quantity you chose. Please change your cart.`;
        return sendCartProblem(cart, problem);
      }
      case "cart_empty":
        return sendCartProblem(cart, "Your cart is empty.");
      case "payment_refunded":
        return sendCartProblem(cart, "Your order could not take the payment any more, so it was refunded in full.");
      case "idempotency_key_reused":
        return sendForm(reply, cart, 409, { problem: "That form was already sent. Please enter your card again." });
      default:
        if (rejection.status === 400) return sendForm(reply, cart, 400, { errors: cardFieldErrors(rejection) });
        request.log.warn({ error: rejection.error, status: rejection.status }, "checkout refused the order");
        return sendForm(reply, cart, rejection.status, { problem: "We could not place your order. Please try again." });
    }
  };

  app.get("/checkout", { schema: { response: pageResponses } }, async (request, reply) => {
    const cart = await currentOpenCart(deps, request);
    if (!cart || cart.items.length === 0) return reply.redirect("/cart", 303);
    // The cart page says which line the stock no longer covers; paying for it would only be refused.
    const short = await shortLines(deps.api, request.id, cart);
    if (Object.keys(short).length > 0) return reply.redirect("/cart", 303);
    return sendForm(reply, cart, 200);
  });

  app.post(
    "/checkout",
    { preValidation: app.csrfProtection, schema: { body: checkoutBody, response: pageResponses } },
    async (request, reply) => {
      const { cartId } = sessions.read(request);
      if (!cartId) return reply.redirect("/cart", 303);
      const form = checkForm(checkoutFormSchema(deps.now()), request.body);
      if (!form.ok) {
        const cart = await currentOpenCart(deps, request);
        if (!cart) return reply.redirect("/cart", 303);
        const { holder, expMonth, expYear } = request.body;
        return sendForm(reply, cart, 400, { values: { holder, expMonth, expYear }, errors: form.errors });
      }
      const { idempotencyKey, cardNumber, expMonth, expYear, cvc } = form.data;
      const card = { number: cardNumber, expMonth, expYear, cvc };
      // No "is the cart still open" check first: a double submit must reach checkout, which answers it from its key.
      const outcome = await checkout.placeOrder(request.id, idempotencyKey, cartId, card);
      if (outcome.kind === "rejected") return explainRejection(request, reply, outcome.rejection);

      const session = remember(sessions.read(request), "checkoutIds", outcome.checkoutId);
      if (outcome.kind === "paid") {
        sessions.write(reply, { ...remember(session, "orderIds", outcome.order.id), cartId: undefined });
        return reply.redirect(`/orders/${encodeURIComponent(outcome.order.id)}`, 303);
      }
      // Like the confirmation, every other outcome is a page of its own, so Back and Reload never resend the card.
      const checkoutPath = `/checkout/${encodeURIComponent(outcome.checkoutId)}`;
      if (outcome.kind === "declined") {
        sessions.write(reply, session);
        return reply.redirect(`${checkoutPath}?${new URLSearchParams({ declined: outcome.declineCode })}`, 303);
      }
      const { order } = outcome;
      sessions.write(reply, order ? remember(session, "orderIds", order.id) : session);
      return reply.redirect(checkoutPath, 303);
    },
  );

  app.get(
    "/checkout/:checkoutId",
    {
      schema: {
        params: z.object({ checkoutId: resourceIdSchema }),
        querystring: z.object({ declined: declineCodeSchema.optional() }),
        response: pageResponses,
      },
    },
    async (request, reply) => {
      const session = sessions.read(request);
      const { checkoutId } = request.params;
      // Only the browser that placed a checkout may follow it; others see what an unknown id shows.
      const result = session.checkoutIds.includes(checkoutId)
        ? await checkout.getCheckout(request.id, checkoutId)
        : null;
      if (!result) return pages.send(reply, "not_found", notFoundPage("That checkout"), 404);
      const { order, status } = result;
      if (status === "paid" && order) {
        const cartId = session.cartId === order.cartId ? undefined : session.cartId;
        sessions.write(reply, { ...remember(session, "orderIds", order.id), cartId });
        return reply.redirect(`/orders/${encodeURIComponent(order.id)}`, 303);
      }
      if (status === "pending")
        return pages.send(reply, "payment_pending", paymentPendingPage(checkoutId, order?.number));
      if (status === "payment_failed")
        return pages.send(reply, "payment_declined", paymentDeclinedPage(request.query.declined ?? "unknown"), 402);
      const page = errorPage({
        title: "Your order could not be completed",
        message: "Nothing was charged (or the payment was refunded in full). Please review your cart and try again.",
      });
      return pages.send(reply, "error", page, 409);
    },
  );
}
