import type { Cart, Line } from "../downstream/schemas.js";
import { html, type SafeHtml } from "./html.js";
import { csrfField, fieldError, layout, notice } from "./layout.js";
import { formatMoney } from "./money.js";

/** What the cart page shows; `lineErrors` are keyed by SKU, `problem` explains a refused checkout. */
export interface CartView {
  readonly cart: Cart | null;
  readonly csrfToken: string;
  readonly lineErrors?: Readonly<Record<string, string>>;
  readonly problem?: string;
}

/** `/cart`: one row per line with quantity and remove forms, and the total computed by api. */
export function cartPage(view: CartView): SafeHtml {
  const { cart, problem } = view;
  if (!cart || cart.items.length === 0) {
    return layout(
      "Your cart",
      html`<h1>Your cart</h1>${notice(problem)}<p>Your cart is empty.</p><p><a class="button" href="/">Browse products</a></p>`,
    );
  }
  return layout(
    "Your cart",
    html`<h1>Your cart</h1>
${notice(problem)}
<table class="cart">
<thead><tr><th scope="col">Product</th><th scope="col">Price</th><th scope="col">Quantity</th><th scope="col">Total</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
<tbody>
${cart.items.map((line) => cartRow(line, cart.currency, view))}
</tbody>
<tfoot><tr><th scope="row" colspan="3">Total</th><td class="amount" id="cart-total">${formatMoney(cart.totalMinor, cart.currency)}</td><td></td></tr></tfoot>
</table>
<p class="actions"><a href="/">Continue shopping</a> <a class="button" href="/checkout">Checkout</a></p>`,
  );
}

function cartRow(line: Line, currency: string, view: CartView): SafeHtml {
  const sku = encodeURIComponent(line.sku);
  const error = view.lineErrors?.[line.sku];
  const inputId = `quantity-${line.sku}`;
  return html`<tr>
<td data-label="Product"><a href="/products/${sku}">${line.name}</a></td>
<td data-label="Price" class="amount">${formatMoney(line.unitPriceMinor, currency)}</td>
<td data-label="Quantity">
<form method="post" action="/cart/items/${sku}" class="inline">
${csrfField(view.csrfToken)}
<label class="visually-hidden" for="${inputId}">Quantity of ${line.name}</label>
<input id="${inputId}" name="quantity" type="number" inputmode="numeric" min="1" max="99" value="${line.quantity}" required${error ? html` aria-invalid="true" aria-describedby="${inputId}-error"` : ""}>
<button type="submit">Update</button>
${fieldError(inputId, error)}
</form>
</td>
<td data-label="Total" class="amount">${formatMoney(line.lineTotalMinor, currency)}</td>
<td>
<form method="post" action="/cart/items/${sku}/remove" class="inline">
${csrfField(view.csrfToken)}
<button type="submit" class="link">Remove<span class="visually-hidden"> ${line.name}</span></button>
</form>
</td>
</tr>`;
}
