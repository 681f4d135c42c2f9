// Text from anywhere (error messages, image references, a Prometheus answer) goes into the JUnit report: markup
// characters come back from a real parser exactly as written, and characters XML 1.0 forbids never reach the file.
import { DOMParser, type Element } from "@xmldom/xmldom";
import { describe, expect, it } from "vitest";
import { escapeXmlAttribute, escapeXmlText, legalXmlChars, renderXmlDocument } from "../../../src/report/xml.js";

// XML 1.0's Char production, written independently of the code under test.
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function roundTrip(text: string): { text: string; attribute: string; xml: string } {
  const xml = renderXmlDocument({ name: "r", attributes: { a: text }, children: [{ name: "t", children: [text] }] });
  const problems: string[] = [];
  // xmldom warns about U+FFFD (legal, but a hint of a decoding problem), which the every-character test contains.
  const onError = (level: string, message: string) => level !== "warning" && problems.push(`${level}: ${message}`);
  const doc = new DOMParser({ onError }).parseFromString(xml, "text/xml");
  expect(problems).toEqual([]);
  const root = doc.documentElement as Element;
  return { text: root.getElementsByTagName("t")[0]?.textContent ?? "", attribute: root.getAttribute("a") ?? "", xml };
}

describe("XML escaping", () => {
  it("escapes < > & \" ' so a parser gives back exactly the text, in content and in attributes", () => {
    const text = `release <r1> & "quoted" 'single' ]]> a&amp;b`;
    expect(escapeXmlText(text)).toBe(`release &lt;r1&gt; &amp; "quoted" 'single' ]]&gt; a&amp;amp;b`);
    expect(escapeXmlAttribute(text)).toBe(
      "release &lt;r1&gt; &amp; &quot;quoted&quot; &apos;single&apos; ]]&gt; a&amp;amp;b",
    );
    expect(roundTrip(text)).toMatchObject({ text, attribute: text });
  });

  it("keeps tabs and line breaks in attributes, where a parser would turn raw ones into spaces", () => {
    const text = "line one\nline\ttwo\r\nend";
    expect(escapeXmlAttribute(text)).toBe("line one&#10;line&#9;two&#13;&#10;end");
    expect(roundTrip(text).attribute).toBe(text);
    expect(roundTrip("a\r\nb").text).toBe("a\r\nb");
  });

  it("replaces the characters XML 1.0 forbids with a visible \\uXXXX, and nothing else", () => {
    const controls = "nul\u0000 soh\u0001 vt\u000b ff\u000c esc\u001b[31m us\u001f";
    expect(legalXmlChars(controls)).toBe("nul\\u0000 soh\\u0001 vt\\u000b ff\\u000c esc\\u001b[31m us\\u001f");
    expect(legalXmlChars("\ufffe\uffff")).toBe("\\ufffe\\uffff");
    // a lone surrogate is forbidden; a pair (one character beyond the BMP) is fine
    expect(legalXmlChars("lone \ud800 low \udc00 pair 🚀")).toBe("lone \\ud800 low \\udc00 pair 🚀");
    expect(legalXmlChars("tab\t lf\n cr\r del\u007f nbsp\u00a0 é ü 中")).toBe(
      "tab\t lf\n cr\r del\u007f nbsp\u00a0 é ü 中",
    );
  });

  it("writes a document with no forbidden character whatever the input, which a parser reads back", () => {
    let everyBmpChar = "";
    for (let code = 0; code <= 0xffff; code += 1) everyBmpChar += String.fromCharCode(code);
    const { xml, text } = roundTrip(`${everyBmpChar}<&>"'`);
    expect(FORBIDDEN.test(xml.replace(/[\ud800-\udbff][\udc00-\udfff]/g, "x"))).toBe(false);
    expect(text).toContain("\\u0000");
    expect(text.endsWith(`<&>"'`)).toBe(true);
  });

  it("leaves out undefined attributes and writes empty elements self-closed", () => {
    const xml = renderXmlDocument({
      name: "a",
      attributes: { x: 1, y: undefined },
      children: [{ name: "b" }, { name: "c", children: ["t"] }],
    });
    expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<a x="1">\n  <b/>\n  <c>t</c>\n</a>\n');
  });
});
