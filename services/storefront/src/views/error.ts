import { html, type SafeHtml } from "./html.js";
import { layout } from "./layout.js";

/** A plain page for an error: a heading, a sentence, and a way back. `items` lists e.g. the fields that were wrong. */
export function errorPage(view: { title: string; message: string; items?: readonly string[] }): SafeHtml {
  return layout(
    view.title,
    html`<h1>${view.title}</h1>
<p>${view.message}</p>
${view.items && view.items.length > 0 && html`<ul class="problems">${view.items.map((item) => html`<li>${item}</li>`)}</ul>`}
<p><a class="button" href="/">Back to the shop</a></p>`,
  );
}

/** The 404 page; `what` is e.g. "That product" or "This page". */
export function notFoundPage(what: string): SafeHtml {
  return errorPage({ title: "Not found", message: `${what} could not be found.` });
}
