import { html, type Interpolation, type SafeHtml } from "./html.js";

/** The frame around every page: head, header with the shop's name and cart link, main content, footer. */
export function layout(title: string, content: Interpolation): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Shop</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<header class="site-header">
<a class="brand" href="/">Shop</a>
<nav><a href="/">Products</a> <a href="/cart">Cart</a></nav>
</header>
<main>
${content}
</main>
<footer class="site-footer">Demo shop · prices include VAT</footer>
</body>
</html>
`;
}

/** A hidden CSRF token field; every POST form carries one. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** A message shown next to a form field, or nothing. */
export function fieldError(id: string, message: string | undefined): SafeHtml {
  return html`${message && html`<p class="field-error" id="${id}-error" role="alert">${message}</p>`}`;
}

/** A notice box at the top of a page, e.g. why the cart page came back instead of a confirmation. */
export function notice(message: string | undefined, kind: "error" | "info" = "error"): SafeHtml {
  return html`${message && html`<div class="notice notice-${kind}" role="${kind === "error" ? "alert" : "status"}">${message}</div>`}`;
}
