// Reads a JUnit XML report back the way a CI server would: a real XML parser (xmldom, which stops at any
// well-formedness error), then the shape Jenkins' junit step and GitLab's junit report read, checked element by
// element (testsuites > testsuite > properties?, testcase > failure | error | skipped, system-out) with the
// counts of every suite and of the whole matching its cases.
import { DOMParser, type Element } from "@xmldom/xmldom";
import { expect } from "vitest";

export interface ParsedCase {
  readonly name: string;
  readonly classname: string;
  readonly time: number;
  readonly result:
    | { kind: "passed" }
    | { kind: "failure" | "error" | "skipped"; message: string; type?: string; text: string };
  readonly output?: string;
}

export interface ParsedSuite {
  readonly name: string;
  readonly timestamp: string;
  readonly properties: Record<string, string>;
  readonly cases: ParsedCase[];
}

export interface ParsedReport {
  readonly name: string;
  readonly suites: ParsedSuite[];
  readonly totals: Record<"tests" | "failures" | "errors" | "skipped", number>;
}

/** The report parsed and shape-checked; throws (failing the test) on anything a CI server would choke on. */
export function parseJunit(xml: string): ParsedReport {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const problems: string[] = [];
  const doc = new DOMParser({ onError: (level, message) => problems.push(`${level}: ${message}`) }).parseFromString(
    xml,
    "text/xml",
  );
  expect(problems).toEqual([]);
  const root = doc.documentElement as Element;
  expect(root.tagName).toBe("testsuites");
  const suites = children(root).map(parseSuite);
  const all = suites.flatMap((s) => s.cases);
  const totals = counts(root);
  expect(totals).toEqual(tally(all));
  return { name: attribute(root, "name"), suites, totals };
}

function parseSuite(element: Element): ParsedSuite {
  expect(element.tagName).toBe("testsuite");
  const [first, ...rest] = children(element);
  const properties: Record<string, string> = {};
  let caseElements = children(element);
  if (first?.tagName === "properties") {
    for (const property of children(first)) {
      expect(property.tagName).toBe("property");
      properties[attribute(property, "name")] = attribute(property, "value");
    }
    caseElements = rest;
  }
  const cases = caseElements.map(parseCase);
  expect(counts(element)).toEqual(tally(cases));
  expect(Number.isFinite(Number(attribute(element, "time")))).toBe(true);
  return { name: attribute(element, "name"), timestamp: attribute(element, "timestamp"), properties, cases };
}

function parseCase(element: Element): ParsedCase {
  expect(element.tagName).toBe("testcase");
  let result: ParsedCase["result"] = { kind: "passed" };
  let output: string | undefined;
  const inner = children(element);
  for (const child of inner) {
    const kind = child.tagName;
    if (kind === "system-out") {
      output = child.textContent ?? "";
    } else if (kind === "failure" || kind === "error" || kind === "skipped") {
      expect(result.kind).toBe("passed"); // one outcome per case
      const type = child.getAttribute("type");
      result = {
        kind,
        message: attribute(child, "message"),
        ...(type === null ? {} : { type }),
        text: child.textContent ?? "",
      };
    } else {
      throw new Error(`unexpected <${kind}> in <testcase>`);
    }
  }
  const time = Number(attribute(element, "time"));
  expect(Number.isFinite(time) && time >= 0).toBe(true);
  return {
    name: attribute(element, "name"),
    classname: attribute(element, "classname"),
    time,
    result,
    ...(output === undefined ? {} : { output }),
  };
}

function children(element: Element): Element[] {
  const elements: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE) elements.push(node as Element);
    // Only whitespace between elements: text belongs in failure, error and system-out.
    else if (node.nodeType === node.TEXT_NODE) expect(node.nodeValue?.trim()).toBe("");
  }
  return elements;
}

function attribute(element: Element, name: string): string {
  const value = element.getAttribute(name);
  if (value === null) throw new Error(`<${element.tagName}> has no ${name} attribute`);
  return value;
}

function counts(element: Element): ParsedReport["totals"] {
  return {
    tests: Number(attribute(element, "tests")),
    failures: Number(attribute(element, "failures")),
    errors: Number(attribute(element, "errors")),
    skipped: Number(attribute(element, "skipped")),
  };
}

function tally(cases: readonly ParsedCase[]): ParsedReport["totals"] {
  const count = (kind: string) => cases.filter((c) => c.result.kind === kind).length;
  return { tests: cases.length, failures: count("failure"), errors: count("error"), skipped: count("skipped") };
}
