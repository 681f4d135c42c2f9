// JUnit XML as Jenkins' junit step and GitLab's artifacts:reports:junit read it: `<testsuites>` of suites of cases,
// each case passed or carrying a failure (a check said no), an error (it could not run) or a skipped, with its
// output beside it. The delivery report (junit.ts) and ci's report (ci.ts) both write through here.
import { renderXmlDocument, type XmlElement } from "./xml.js";

/** How a case ended, in JUnit's terms: failure (a check said no), error (it could not run), skipped. */
export type CaseResult =
  | { readonly kind: "passed" }
  | { readonly kind: "failure" | "error" | "skipped"; readonly message: string; readonly type?: string };

export interface Case {
  readonly name: string;
  readonly classname: string;
  readonly result: CaseResult;
  /** Shown with the case as its output: what was measured, which revision, a failed command's output. */
  readonly output?: string;
  readonly timeMs?: number;
}

export interface Suite {
  readonly name: string;
  readonly cases: readonly Case[];
  readonly properties?: Readonly<Record<string, string | undefined>>;
  readonly timeMs?: number;
}

/** The suites as one JUnit XML document named `name`; `startedAt` (ISO) is every suite's timestamp. */
export function renderSuites(name: string, durationMs: number, startedAt: string, suites: readonly Suite[]): string {
  const totals = tally(suites.flatMap((s) => s.cases));
  return renderXmlDocument({
    name: "testsuites",
    attributes: { name, ...totals, time: seconds(durationMs) },
    children: suites.map((suite) => suiteElement(suite, startedAt)),
  });
}

function suiteElement(suite: Suite, timestamp: string): XmlElement {
  const properties = Object.entries(suite.properties ?? {}).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  return {
    name: "testsuite",
    attributes: { name: suite.name, ...tally(suite.cases), time: seconds(suite.timeMs ?? 0), timestamp },
    children: [
      ...(properties.length > 0
        ? [
            {
              name: "properties",
              children: properties.map(([name, value]) => ({ name: "property", attributes: { name, value } })),
            },
          ]
        : []),
      ...suite.cases.map(caseElement),
    ],
  };
}

function caseElement(testCase: Case): XmlElement {
  const { result } = testCase;
  const children: XmlElement[] = [];
  if (result.kind !== "passed") {
    children.push({
      name: result.kind,
      attributes: { message: result.message, type: result.type },
      ...(result.kind === "skipped" ? {} : { children: [result.message] }),
    });
  }
  if (testCase.output) children.push({ name: "system-out", children: [testCase.output] });
  return {
    name: "testcase",
    attributes: { name: testCase.name, classname: testCase.classname, time: seconds(testCase.timeMs ?? 0) },
    children,
  };
}

function tally(cases: readonly Case[]): { tests: number; failures: number; errors: number; skipped: number } {
  const count = (kind: CaseResult["kind"]) => cases.filter((c) => c.result.kind === kind).length;
  return { tests: cases.length, failures: count("failure"), errors: count("error"), skipped: count("skipped") };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
