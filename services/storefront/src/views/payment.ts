import { html, type SafeHtml } from "./html.js";
import { layout } from "./layout.js";

const DECLINE_REASONS: Readonly<Record<string, string>> = {
  card_declined: "Your bank declined the card.",
  insufficient_funds: "The card does not have enough funds for this order.",
  payment_voided: "The payment could not be confirmed in time, so it was cancelled.",
};

/** In words, why a payment was declined. */
export function declineReason(declineCode: string): string {
  return DECLINE_REASONS[declineCode] ?? "The card could not be charged.";
}

/** The page after a declined payment: the reason, and a way back to try another card. */
export function paymentDeclinedPage(declineCode: string): SafeHtml {
  return layout(
    "Payment declined",
    html`<h1>Your payment was declined</h1>
<p class="notice notice-error" role="alert">${declineReason(declineCode)} You have not been charged.</p>
<p>Your cart is still here. You can try again with another card.</p>
<p class="actions"><a class="button" href="/checkout">Try another card</a> <a href="/cart">Back to cart</a></p>`,
  );
}

/** The page while a payment is still being confirmed, with a link to look again. */
export function paymentPendingPage(checkoutId: string, orderNumber: string | undefined): SafeHtml {
  return layout(
    "Confirming payment",
    html`<h1>We are confirming your payment</h1>
<p>${orderNumber ? html`Your order <strong>${orderNumber}</strong> is reserved. ` : ""}The payment provider has not answered yet; this usually takes a few seconds.</p>
<p>Please do not pay again. Refresh this page to see the result.</p>
<p><a class="button" href="/checkout/${encodeURIComponent(checkoutId)}">Refresh</a></p>`,
  );
}
