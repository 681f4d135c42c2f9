import type { Cart } from "../downstream/schemas.js";
import type { FieldErrors } from "../forms.js";
import { html, type SafeHtml } from "./html.js";
import { csrfField, fieldError, layout, notice } from "./layout.js";
import { formatMoney } from "./money.js";

/** Values a re-rendered checkout form keeps; card number and CVC are deliberately absent. */
export interface CheckoutFormValues {
  readonly holder?: string;
  readonly expMonth?: string;
  readonly expYear?: string;
}

/** What the checkout page needs; `idempotencyKey` is fresh for every render so one submit charges at most once. */
export interface CheckoutView {
  readonly cart: Cart;
  readonly csrfToken: string;
  readonly idempotencyKey: string;
  readonly values?: CheckoutFormValues;
  readonly errors?: FieldErrors;
  readonly problem?: string;
}

function field(
  view: CheckoutView,
  name: string,
  label: string,
  attributes: { type?: string; autocomplete: string; inputmode?: string; maxlength: number; value?: string },
): SafeHtml {
  const error = view.errors?.[name];
  return html`<div class="field">
<label for="${name}">${label}</label>
<input id="${name}" name="${name}" type="${attributes.type ?? "text"}" autocomplete="${attributes.autocomplete}"${attributes.inputmode ? html` inputmode="${attributes.inputmode}"` : ""} maxlength="${attributes.maxlength}" value="${attributes.value ?? ""}" required${error ? html` aria-invalid="true" aria-describedby="${name}-error"` : ""}>
${fieldError(name, error)}
</div>`;
}

/** `/checkout`: the order summary and the card form. */
export function checkoutPage(view: CheckoutView): SafeHtml {
  const { cart, values = {}, errors = {} } = view;
  const formProblem = view.problem ?? errors.idempotencyKey ?? errors.form;
  return layout(
    "Checkout",
    html`<h1>Checkout</h1>
${notice(formProblem)}
<section class="summary" aria-label="Order summary">
<ul>${cart.items.map((line) => html`<li><span>${line.quantity} × ${line.name}</span> <span class="amount">${formatMoney(line.lineTotalMinor, cart.currency)}</span></li>`)}</ul>
<p class="total">Total <strong id="checkout-total">${formatMoney(cart.totalMinor, cart.currency)}</strong></p>
</section>
<form method="post" action="/checkout" class="checkout" novalidate>
${csrfField(view.csrfToken)}
<input type="hidden" name="idempotencyKey" value="${view.idempotencyKey}">
${field(view, "holder", "Name on card", { autocomplete: "cc-name", maxlength: 100, value: values.holder })}
${field(view, "cardNumber", "Card number", { autocomplete: "cc-number", inputmode: "numeric", maxlength: 23 })}
<div class="row">
${field(view, "expMonth", "Expiry month (MM)", { autocomplete: "cc-exp-month", inputmode: "numeric", maxlength: 2, value: values.expMonth })}
${field(view, "expYear", "Expiry year (YYYY)", { autocomplete: "cc-exp-year", inputmode: "numeric", maxlength: 4, value: values.expYear })}
${field(view, "cvc", "Security code (CVC)", { autocomplete: "cc-csc", inputmode: "numeric", maxlength: 4 })}
</div>
<button type="submit" class="primary">Pay ${formatMoney(cart.totalMinor, cart.currency)}</button>
</form>
<p><a href="/cart">Back to cart</a></p>`,
  );
}
