import { describe, expect, it } from "vitest";
import { escapeHtml, html } from "../src/views/html.js";

describe("the html tagged template", () => {
  it("escapes every interpolated string, including quotes for attributes", () => {
    const name = `<script>alert("x")</script>' onmouseover='boom`;
    const page = html`<a title="${name}">${name}</a>`.value;
    expect(page).not.toContain("<script>");
    expect(page).toBe(
      '<a title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;boom">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;boom</a>',
    );
  });

  it("keeps nested html as it is and escapes strings inside arrays", () => {
    const items = ["<b>", "a&b"].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe("<ul><li>&lt;b&gt;</li><li>a&amp;b</li></ul>");
    expect(html`${["<i>", html`<i>`]}`.value).toBe("&lt;i&gt;<i>");
  });

  it("renders nothing for null, undefined and false, and numbers as text", () => {
    expect(html`[${null}${undefined}${false}${0}${42}]`.value).toBe("[042]");
  });

  it("escapes all five HTML-significant characters", () => {
    expect(escapeHtml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&#39;");
  });
});
