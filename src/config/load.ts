import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Document, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type YAMLError } from "yaml";
import type { z } from "zod";
import { PipelineConfigError, type PipelineConfigIssue, type PipelineConfigIssueCode } from "./errors.js";
import { type PipelineConfig, pipelineSchema } from "./schema.js";

/** Options for loading pipeline.yaml. */
export interface LoadOptions {
  /** Repository root: when given, every service path must be a workspace directory (with package.json) inside it. */
  readonly repoRoot?: string;
}

type Segment = PropertyKey;

/** Reads and validates a pipeline file; throws PipelineConfigError naming file, line and field of every problem. */
export async function loadPipelineConfig(path: string, options: LoadOptions = {}): Promise<PipelineConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read pipeline config ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parsePipelineConfig(text, path, options);
}

/** Validates pipeline YAML text; `fileName` is only used in messages. Throws PipelineConfigError. */
export function parsePipelineConfig(text: string, fileName: string, options: LoadOptions = {}): PipelineConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  if (doc.errors.length > 0) {
    throw new PipelineConfigError(fileName, sortIssues(doc.errors.map((error) => yamlIssue(doc, error, at))));
  }

  const data: unknown = doc.toJS();
  const result = pipelineSchema.safeParse(data, { error: messageFor });
  const issues: PipelineConfigIssue[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      for (const { path, code, message } of explain(issue)) {
        issues.push({ path: formatPath(path), ...at(locate(doc, path)), message, code });
      }
    }
  }
  if (options.repoRoot !== undefined) {
    for (const { path, message } of missingServicePaths(data, options.repoRoot)) {
      issues.push({ path: formatPath(path), ...at(locate(doc, path)), message, code: "missing_path" });
    }
  }
  if (issues.length > 0 || !result.success) throw new PipelineConfigError(fileName, sortIssues(issues));
  return result.data;
}

function yamlIssue(doc: Document, error: YAMLError, at: (offset: number) => { line: number; column: number }) {
  const code: PipelineConfigIssueCode = error.code === "DUPLICATE_KEY" ? "duplicate_key" : "yaml_syntax";
  const offset = error.pos[0];
  // After a syntax error the tree is a guess, so only a duplicate key is worth a field path.
  const path = code === "duplicate_key" && doc.contents ? pathAt(doc.contents, offset, []) : [];
  // yaml's messages may carry a code frame after the first line; the location is given separately.
  const first = error.message.split("\n")[0] ?? error.message;
  const message = code === "duplicate_key" ? "duplicate key (each key may appear once in a mapping)" : first;
  return { path: formatPath(path), ...at(offset), message, code };
}

/** Per-parse messages for zod's built-in checks; messages written in the schema take precedence. */
function messageFor(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined
        ? "is required"
        : `must be ${article(issue.expected)}, not ${describe(issue.input)}`;
    case "too_small":
      return issue.inclusive === false ? `must be greater than ${issue.minimum}` : `must be at least ${issue.minimum}`;
    case "too_big":
      return issue.inclusive === false ? `must be less than ${issue.maximum}` : `must be at most ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return undefined;
  }
}

/** Splits zod issues into one per located field (an unknown-keys issue names several keys). */
function explain(issue: z.core.$ZodIssue): { path: Segment[]; code: PipelineConfigIssueCode; message: string }[] {
  const path = [...issue.path];
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({ path: [...path, key], code: "unknown_key", message: "unknown key" }));
    case "invalid_type":
      return [{ path, code: issue.message === "is required" ? "missing" : "invalid_type", message: issue.message }];
    case "invalid_key":
      return [{ path, code: "invalid_value", message: `key ${issue.issues[0]?.message ?? "is not allowed"}` }];
    case "invalid_union": {
      // A union reports its branches' issues; the first branch's own message is the clearest one.
      const inner = issue.errors.flat()[0];
      return [{ path, code: "invalid_value", message: inner?.message ?? issue.message }];
    }
    case "custom": {
      const code = (issue.params as { code?: PipelineConfigIssueCode } | undefined)?.code ?? "invalid_value";
      return [{ path, code, message: issue.message }];
    }
    default:
      return [{ path, code: "invalid_value", message: issue.message }];
  }
}

function missingServicePaths(data: unknown, repoRoot: string): { path: Segment[]; message: string }[] {
  const services = (data as { services?: unknown } | null)?.services;
  if (typeof services !== "object" || services === null) return [];
  const problems: { path: Segment[]; message: string }[] = [];
  for (const [name, service] of Object.entries(services)) {
    const dir = (service as { path?: unknown } | null)?.path;
    if (typeof dir !== "string" || dir === "" || dir.startsWith("/") || dir.split("/").includes("..")) continue;
    const full = join(repoRoot, dir);
    if (!existsSync(full) || !statSync(full).isDirectory()) {
      problems.push({ path: ["services", name, "path"], message: `${dir} is not a directory in ${repoRoot}` });
    } else if (!existsSync(join(full, "package.json"))) {
      problems.push({ path: ["services", name, "path"], message: `${dir} has no package.json (not an npm workspace)` });
    }
  }
  return problems;
}

/** Offset of the deepest node on `path` that exists: the key of a mapping entry, or a sequence item. */
function locate(doc: Document, path: readonly Segment[]): number {
  let node: unknown = doc.contents;
  let offset = isNode(node) ? (node.range?.[0] ?? 0) : 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
      if (!pair) break;
      if (isNode(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (!isNode(item)) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

/** The field path of the node at `offset`, for YAML errors that only carry a position. */
function pathAt(node: unknown, offset: number, path: Segment[]): Segment[] {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyRange = isNode(pair.key) ? pair.key.range : undefined;
      if (keyRange && offset >= keyRange[0] && offset <= keyRange[1]) return [...path, key];
      const valueRange = isNode(pair.value) ? pair.value.range : undefined;
      if (valueRange && offset >= valueRange[0] && offset <= valueRange[2])
        return pathAt(pair.value, offset, [...path, key]);
    }
  } else if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const range = isNode(item) ? item.range : undefined;
      if (range && offset >= range[0] && offset <= range[2]) return pathAt(item, offset, [...path, index]);
    }
  }
  return path;
}

function formatPath(path: readonly Segment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function sortIssues(issues: PipelineConfigIssue[]): PipelineConfigIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path));
}

function article(type: string): string {
  const name = ({ int: "whole number", object: "mapping", array: "list" } as Record<string, string>)[type] ?? type;
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}
