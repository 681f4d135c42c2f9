import type { Line } from "@shop/shop-contracts";
import type { Cart } from "../downstream/schemas.js";
import { html, type SafeHtml } from "./html.js";
import { csrfField, fieldError, layout, notice } from "./layout.js";
import { formatMoney } from "./money.js";

/** What the cart page shows; `lineErrors`, `submitted` and `shortages` are keyed by SKU. */
export interface CartView {
  readonly cart: Cart | null;
  readonly csrfToken: string;
  /** A message next to a line's quantity, e.g. why a change was refused. */
  readonly lineErrors?: Readonly<Record<string, string>>;
  /** The quantity the shopper typed, shown instead of the cart's when it was refused. */
  readonly submitted?: Readonly<Record<string, string>>;
  /** Units in stock for lines that want more than that; such a cart cannot be checked out. */
  readonly shortages?: Readonly<Record<string, number>>;
  /** Explains e.g. a refused checkout. */
  readonly problem?: string;
}

function shortageText(inStock: number): string {
  return inStock === 0
    ? "Sold out. Remove it to check out."
    : `Only ${inStock} left in stock. Lower the quantity to check out.`;
}

/** `/cart`: one row per line with quantity and remove forms, and the total computed by api. */
export function cartPage(view: CartView): SafeHtml {
  const { cart, problem } = view;
  const blocked = Object.keys(view.shortages ?? {}).length > 0;
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
<thead><tr><th scope="col">Product</th><th scope="col" class="amount">Price</th><th scope="col">Quantity</th><th scope="col" class="amount">Total</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
<tbody>
${cart.items.map((line) => cartRow(line, cart.currency, view))}
</tbody>
<tfoot><tr><th scope="row" colspan="3">Total</th><td class="amount" id="cart-total">${formatMoney(cart.totalMinor, cart.currency)}</td><td></td></tr></tfoot>
</table>
${blocked && notice("Some items are not in stock in the quantity in your cart. Change or remove them to check out.", "info")}
<p class="actions"><a href="/">Continue shopping</a> ${blocked ? html`<span class="button disabled" aria-disabled="true">Checkout</span>` : html`<a class="button" href="/checkout">Checkout</a>`}</p>`,
  );
}

function cartRow(line: Line, currency: string, view: CartView): SafeHtml {
  const sku = encodeURIComponent(line.sku);
  const error = view.lineErrors?.[line.sku];
  const inStock = view.shortages?.[line.sku];
  const inputId = `quantity-${line.sku}`;
  return html`<tr${inStock === undefined ? "" : html` class="short"`}>
<td data-label="Product"><a href="/products/${sku}">${line.name}</a>${inStock !== undefined && html`<p class="line-warning" id="stock-${line.sku}">${shortageText(inStock)}</p>`}</td>
<td data-label="Price" class="amount">${formatMoney(line.unitPriceMinor, currency)}</td>
<td data-label="Quantity">
<form method="post" action="/cart/items/${sku}" class="inline">
${csrfField(view.csrfToken)}
<label class="visually-hidden" for="${inputId}">Quantity of ${line.name}</label>
<input id="${inputId}" name="quantity" type="number" inputmode="numeric" min="1" max="99" value="${view.submitted?.[line.sku] ?? line.quantity}" required${error ? html` aria-invalid="true" aria-describedby="${inputId}-error"` : ""}>
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
