// Writing XML 1.0 that every parser accepts whatever the text: the five markup characters escaped, line breaks
// kept inside attributes, and the characters XML 1.0 does not allow at all (most C0 controls, lone surrogates,
// U+FFFE and U+FFFF; no escape makes them legal) replaced by a visible \uXXXX.

/** An element: attributes in the order given (undefined ones left out), then its children. */
export interface XmlElement {
  readonly name: string;
  readonly attributes?: Readonly<Record<string, string | number | undefined>>;
  /** Elements, or text. An element whose only child is text is written on one line. */
  readonly children?: readonly (XmlElement | string)[];
}

const TEXT_ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;" };
// In an attribute a parser turns a raw tab or line break into a space; as character references they survive.
const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
  ...TEXT_ESCAPES,
  '"': "&quot;",
  "'": "&apos;",
  "\t": "&#9;",
  "\n": "&#10;",
};

/** Text as element content. */
export function escapeXmlText(text: string): string {
  return legalXmlChars(text).replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c] ?? c);
}

/** Text as an attribute value (inside double or single quotes). */
export function escapeXmlAttribute(text: string): string {
  return legalXmlChars(text).replace(/[&<>"'\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c] ?? c);
}

/** The text with every character XML 1.0 forbids replaced by `\uXXXX` (its code in hex), so nothing is silently lost. */
export function legalXmlChars(text: string): string {
  let out = "";
  // for…of walks code points: a surrogate pair is one character, a lone surrogate is one of its own.
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    out += isXmlChar(code) ? char : `\\u${code.toString(16).padStart(4, "0")}`;
  }
  return out;
}

/** XML 1.0's Char production. */
export function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** A UTF-8 XML document with `root`, indented by two spaces. */
export function renderXmlDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderElement(root, "")}\n`;
}

function renderElement(element: XmlElement, indent: string): string {
  const attributes = Object.entries(element.attributes ?? {})
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join("");
  const open = `${indent}<${element.name}${attributes}`;
  const children = element.children ?? [];
  if (children.length === 0) return `${open}/>`;
  const [only] = children;
  if (children.length === 1 && typeof only === "string") return `${open}>${escapeXmlText(only)}</${element.name}>`;
  const inner = children.map((child) =>
    typeof child === "string" ? `${indent}  ${escapeXmlText(child)}` : renderElement(child, `${indent}  `),
  );
  return `${open}>\n${inner.join("\n")}\n${indent}</${element.name}>`;
}
