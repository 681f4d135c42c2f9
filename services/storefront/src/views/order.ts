import type { Order } from "../downstream/schemas.js";
import { html, type SafeHtml } from "./html.js";
import { layout } from "./layout.js";
import { formatMoney } from "./money.js";

const STATUS_WORDS: Readonly<Record<string, string>> = {
  paid: "Paid",
  fulfilled: "Shipped",
  pending: "Waiting for payment confirmation",
  payment_failed: "Payment failed",
  cancelled: "Cancelled",
};

/** `/orders/:id`: the confirmation with the order number, items and total. */
export function orderPage(order: Order): SafeHtml {
  return layout(
    `Order ${order.number}`,
    html`<h1>Thank you for your order</h1>
<p class="order-number">Order number <strong>${order.number}</strong></p>
<p>Status: ${STATUS_WORDS[order.status] ?? order.status}</p>
<table class="cart">
<thead><tr><th scope="col">Product</th><th scope="col">Quantity</th><th scope="col" class="amount">Total</th></tr></thead>
<tbody>${order.items.map((line) => html`<tr><td data-label="Product">${line.name}</td><td data-label="Quantity">${line.quantity}</td><td data-label="Total" class="amount">${formatMoney(line.lineTotalMinor, order.currency)}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row" colspan="2">Total</th><td class="amount" id="order-total">${formatMoney(order.totalMinor, order.currency)}</td></tr></tfoot>
</table>
<p><a class="button" href="/">Continue shopping</a></p>`,
  );
}
