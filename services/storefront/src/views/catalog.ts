import type { Product, ProductPage } from "../downstream/schemas.js";
import { html, type SafeHtml } from "./html.js";
import { csrfField, fieldError, layout, notice } from "./layout.js";
import { formatMoney } from "./money.js";

/** How many pages of `page.limit` products the search has; an empty result is still one page. */
export function pageCountOf(page: ProductPage): number {
  return Math.max(1, Math.ceil(page.total / page.limit));
}

/** The URL of page `n` of the product list for the search `q`. */
export function catalogPath(q: string | undefined, n: number): string {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (n > 1) params.set("page", String(n));
  const query = params.toString();
  return query ? `/?${query}` : "/";
}

/** The product grid for `/`, with the search box and page links. */
export function catalogPage(view: { page: ProductPage; q: string | undefined; pageNumber: number }): SafeHtml {
  const { page, q, pageNumber } = view;
  const pageCount = pageCountOf(page);
  const pageLink = (n: number) => catalogPath(q, n);
  const heading = q ? html`Results for “${q}”` : html`All products`;
  return layout(
    q ? `Search: ${q}` : "Products",
    html`<form class="search" method="get" action="/" role="search">
<label for="q">Search products</label>
<input id="q" name="q" type="search" value="${q ?? ""}" maxlength="100">
<button type="submit">Search</button>
</form>
<h1>${heading}</h1>
<p class="muted">${page.total} ${page.total === 1 ? "product" : "products"}</p>
${page.items.length === 0 ? html`<p>No products match your search.</p>` : html`<ul class="grid">${page.items.map(productCard)}</ul>`}
<nav class="pager" aria-label="Pages">
${pageNumber > 1 && html`<a rel="prev" href="${pageLink(pageNumber - 1)}">← Previous</a>`}
<span>Page ${pageNumber} of ${pageCount}</span>
${pageNumber < pageCount && html`<a rel="next" href="${pageLink(pageNumber + 1)}">Next →</a>`}
</nav>`,
  );
}

function productCard(product: Product): SafeHtml {
  return html`<li class="card">
<a class="card-link" href="/products/${encodeURIComponent(product.sku)}"><h2>${product.name}</h2></a>
<p class="price">${formatMoney(product.priceMinor, product.currency)}</p>
<p class="muted">${product.stock > 0 ? "In stock" : "Out of stock"}</p>
</li>`;
}

/** `/products/:sku`: the product with its add-to-cart form; `error` is shown next to the quantity. */
export function productPage(view: {
  product: Product;
  csrfToken: string;
  quantity?: string;
  error?: string;
  problem?: string;
}): SafeHtml {
  const { product, csrfToken, error, problem } = view;
  return layout(
    product.name,
    html`<article class="product">
<h1>${product.name}</h1>
<p class="price">${formatMoney(product.priceMinor, product.currency)}</p>
<p>${product.description}</p>
<p class="muted">SKU ${product.sku} · ${product.stock > 0 ? `${product.stock} in stock` : "Out of stock"}</p>
${notice(problem)}
<form method="post" action="/cart/items" class="add-to-cart">
${csrfField(csrfToken)}
<input type="hidden" name="sku" value="${product.sku}">
<label for="quantity">Quantity</label>
<input id="quantity" name="quantity" type="number" inputmode="numeric" min="1" max="99" value="${view.quantity ?? "1"}" required${error ? html` aria-invalid="true" aria-describedby="quantity-error"` : ""}>
${fieldError("quantity", error)}
<button type="submit"${product.stock > 0 ? "" : html` disabled`}>Add to cart</button>
</form>
</article>`,
  );
}
