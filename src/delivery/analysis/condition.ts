// The successCondition / failureCondition language: a small, safe expression language over `result`, the values
// an instant query returned (one per series). Parsed once into a tree and evaluated by walking it; nothing is
// ever handed to eval or Function, so a condition in pipeline.yaml can compare numbers and nothing else.
//
//   expr     := or
//   or       := and (("||" | "or") and)*
//   and      := not (("&&" | "and") not)*
//   not      := ("!" | "not") not | compare
//   compare  := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
//   sum      := product (("+" | "-") product)*
//   product  := unary (("*" | "/") unary)*
//   unary    := "-" unary | postfix
//   postfix  := primary ("[" digits "]")?
//   primary  := number | "true" | "false" | "result" | ("len" | "isNaN") "(" expr ")" | "(" expr ")"
//
// `result` is a list of numbers; where a number is expected it stands for its only element, so `result <= 0.05`
// and `result[0] <= 0.05` mean the same for a query that returns one series (as Argo's examples write both).

import { ConditionEvaluationError, ConditionSyntaxError } from "../errors.js";

/** A compiled condition: evaluate it against the values of one measurement. */
export interface Condition {
  /** The expression as written. */
  readonly source: string;
  /** True or false for these values; throws ConditionEvaluationError when they do not fit (e.g. `result[1]` of one series). */
  evaluate(result: readonly number[]): boolean;
}

type Type = "number" | "boolean" | "vector";
type Compare = "<" | "<=" | ">" | ">=" | "==" | "!=";
type Arithmetic = "+" | "-" | "*" | "/";
type Node =
  | { kind: "number"; value: number }
  | { kind: "boolean"; value: boolean }
  | { kind: "result" }
  | { kind: "index"; target: Node; index: number }
  | { kind: "call"; fn: "len" | "isNaN"; arg: Node }
  | { kind: "negate"; operand: Node }
  | { kind: "not"; operand: Node }
  | { kind: "arithmetic"; op: Arithmetic; left: Node; right: Node }
  | { kind: "compare"; op: Compare; left: Node; right: Node }
  | { kind: "logical"; op: "&&" | "||"; left: Node; right: Node };

interface Token {
  readonly text: string;
  readonly kind: "number" | "word" | "symbol" | "end";
  /** 1-based column, for messages. */
  readonly column: number;
}

const MAX_LENGTH = 500;
const MAX_DEPTH = 32;
const SYMBOLS = ["<=", ">=", "==", "!=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "(", ")", "[", "]"];
const NUMBER = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Parses a condition; throws ConditionSyntaxError saying what is wrong and at which column. */
export function compileCondition(source: string): Condition {
  const tree = new Parser(source).parseCondition();
  return { source, evaluate: (result) => truth(evaluate(tree, result, source), source) };
}

/** The problem with `source` as a condition, or undefined when it parses; for schema validation. */
export function conditionProblem(source: string): string | undefined {
  try {
    compileCondition(source);
    return undefined;
  } catch (error) {
    if (error instanceof ConditionSyntaxError) return error.reason;
    throw error;
  }
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const rest = source.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const column = at + 1;
    const number = NUMBER.exec(rest);
    const word = number ? null : WORD.exec(rest);
    const symbol = SYMBOLS.find((s) => rest.startsWith(s));
    if (number) tokens.push({ text: number[0], kind: "number", column });
    else if (word) tokens.push({ text: word[0], kind: "word", column });
    else if (symbol) tokens.push({ text: symbol, kind: "symbol", column });
    else {
      const char = rest[0] as string;
      const hint =
        char === "=" ? ' (use "==" to compare)' : char === "&" || char === "|" ? ` (use "${char}${char}")` : "";
      throw new ConditionSyntaxError(source, `unexpected ${JSON.stringify(char)} at column ${column}${hint}`);
    }
    at += tokens[tokens.length - 1]?.text.length ?? 1;
  }
  tokens.push({ text: "", kind: "end", column: source.length + 1 });
  return tokens;
}

class Parser {
  private readonly tokens: Token[];
  private position = 0;
  private depth = 0;

  constructor(private readonly source: string) {
    if (source.trim() === "")
      throw new ConditionSyntaxError(source, "is empty: write a condition such as result <= 0.05");
    if (source.length > MAX_LENGTH) throw new ConditionSyntaxError(source, `is longer than ${MAX_LENGTH} characters`);
    this.tokens = tokenize(source);
  }

  parseCondition(): Node {
    const tree = this.or();
    const next = this.peek();
    if (next.kind !== "end") this.fail(next, "expected an operator or the end of the condition");
    const type = this.typeOf(tree);
    if (type !== "boolean")
      throw new ConditionSyntaxError(
        this.source,
        `is ${type === "vector" ? "a list of values" : "a number"}, not a condition: compare it, e.g. result <= 0.05`,
      );
    return tree;
  }

  private or(): Node {
    let left = this.and();
    for (let token = this.peek(); this.accept("||", "or"); token = this.peek()) {
      left = this.logical(token, "||", left, this.and());
    }
    return left;
  }

  private and(): Node {
    let left = this.not();
    for (let token = this.peek(); this.accept("&&", "and"); token = this.peek()) {
      left = this.logical(token, "&&", left, this.not());
    }
    return left;
  }

  private not(): Node {
    const token = this.peek();
    if (this.accept("!", "not")) {
      const operand = this.nested(() => this.not());
      this.expect(operand, "boolean", token, "! needs a condition");
      return { kind: "not", operand };
    }
    return this.compare();
  }

  private compare(): Node {
    const left = this.sum();
    const token = this.peek();
    const op = ["<", "<=", ">", ">=", "==", "!="].find((o) => token.kind === "symbol" && token.text === o) as
      | Compare
      | undefined;
    if (!op) return left;
    this.position++;
    const right = this.sum();
    const [l, r] = [this.typeOf(left), this.typeOf(right)];
    const bothBoolean = l === "boolean" && r === "boolean";
    if (!(bothBoolean && (op === "==" || op === "!=")) && (l === "boolean" || r === "boolean"))
      this.fail(token, `${op} compares numbers`);
    const after = this.peek();
    if (after.kind === "symbol" && ["<", "<=", ">", ">=", "==", "!="].includes(after.text))
      this.fail(after, "comparisons cannot be chained: join them with &&");
    return { kind: "compare", op, left, right };
  }

  private sum(): Node {
    let left = this.product();
    for (let token = this.peek(); this.accept("+", "-"); token = this.peek()) {
      left = this.arithmetic(token, left, this.product());
    }
    return left;
  }

  private product(): Node {
    let left = this.unary();
    for (let token = this.peek(); this.accept("*", "/"); token = this.peek()) {
      left = this.arithmetic(token, left, this.unary());
    }
    return left;
  }

  private unary(): Node {
    const token = this.peek();
    if (this.accept("-")) {
      const operand = this.nested(() => this.unary());
      this.expect(operand, "numeric", token, "- needs a number");
      return { kind: "negate", operand };
    }
    return this.postfix();
  }

  private postfix(): Node {
    const target = this.primary();
    const open = this.peek();
    if (!this.accept("[")) return target;
    if (this.typeOf(target) !== "vector") this.fail(open, "only result can be indexed");
    const index = this.peek();
    if (index.kind !== "number" || !/^\d+$/.test(index.text)) this.fail(index, "expected a whole number index");
    this.position++;
    this.require("]");
    return { kind: "index", target, index: Number(index.text) };
  }

  private primary(): Node {
    const token = this.peek();
    if (token.kind === "number") {
      this.position++;
      return { kind: "number", value: Number(token.text) };
    }
    if (token.kind === "word") {
      this.position++;
      switch (token.text) {
        case "true":
        case "false":
          return { kind: "boolean", value: token.text === "true" };
        case "result":
          return { kind: "result" };
        case "len":
        case "isNaN": {
          this.require("(");
          const arg = this.nested(() => this.or());
          this.require(")");
          if (token.text === "len") this.expect(arg, "vector", token, "len() takes result");
          else this.expect(arg, "numeric", token, "isNaN() takes a number");
          return { kind: "call", fn: token.text, arg };
        }
        default:
          this.fail(token, `unknown name ${JSON.stringify(token.text)} (conditions may use result, len(), isNaN())`);
      }
    }
    if (this.accept("(")) {
      const inner = this.nested(() => this.or());
      this.require(")");
      return inner;
    }
    return this.fail(token, token.kind === "end" ? "is incomplete" : "expected a number, result or (");
  }

  private logical(token: Token, op: "&&" | "||", left: Node, right: Node): Node {
    this.expect(left, "boolean", token, `${op} joins conditions`);
    this.expect(right, "boolean", token, `${op} joins conditions`);
    return { kind: "logical", op, left, right };
  }

  private arithmetic(token: Token, left: Node, right: Node): Node {
    this.expect(left, "numeric", token, `${token.text} needs numbers`);
    this.expect(right, "numeric", token, `${token.text} needs numbers`);
    return { kind: "arithmetic", op: token.text as Arithmetic, left, right };
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail(this.peek(), `nests deeper than ${MAX_DEPTH} levels`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private typeOf(node: Node): Type {
    switch (node.kind) {
      case "number":
      case "index":
      case "negate":
      case "arithmetic":
        return "number";
      case "result":
        return "vector";
      case "call":
        return node.fn === "len" ? "number" : "boolean";
      default:
        return "boolean";
    }
  }

  private expect(node: Node, want: "boolean" | "numeric" | "vector", token: Token, message: string): void {
    const type = this.typeOf(node);
    const ok = want === "numeric" ? type !== "boolean" : type === want;
    if (!ok) this.fail(token, message);
  }

  private peek(): Token {
    return this.tokens[this.position] as Token;
  }

  private accept(...texts: string[]): boolean {
    const token = this.peek();
    if (token.kind !== "end" && texts.includes(token.text) && (token.kind === "symbol" || token.kind === "word")) {
      this.position++;
      return true;
    }
    return false;
  }

  private require(text: string): void {
    const token = this.peek();
    if (!this.accept(text)) this.fail(token, `expected ${JSON.stringify(text)}`);
  }

  private fail(token: Token, message: string): never {
    const where = token.kind === "end" ? "at the end" : `at column ${token.column} (${JSON.stringify(token.text)})`;
    throw new ConditionSyntaxError(this.source, `${message} ${where}`);
  }
}

type Value = number | boolean | readonly number[];

function evaluate(node: Node, result: readonly number[], source: string): Value {
  const num = (n: Node) => numeric(evaluate(n, result, source), source);
  switch (node.kind) {
    case "number":
    case "boolean":
      return node.value;
    case "result":
      return result;
    case "index": {
      const value = result[node.index];
      if (value === undefined)
        throw new ConditionEvaluationError(
          source,
          `result[${node.index}] does not exist: the query returned ${series(result.length)}`,
        );
      return value;
    }
    case "call":
      return node.fn === "len" ? result.length : Number.isNaN(num(node.arg));
    case "negate":
      return -num(node.operand);
    case "not":
      return !truth(evaluate(node.operand, result, source), source);
    case "arithmetic": {
      const [l, r] = [num(node.left), num(node.right)];
      if (node.op === "+") return l + r;
      if (node.op === "-") return l - r;
      if (node.op === "*") return l * r;
      return l / r;
    }
    case "compare": {
      const left = evaluate(node.left, result, source);
      const right = evaluate(node.right, result, source);
      if (typeof left === "boolean" || typeof right === "boolean") {
        return node.op === "==" ? left === right : left !== right;
      }
      const [l, r] = [numeric(left, source), numeric(right, source)];
      switch (node.op) {
        case "<":
          return l < r;
        case "<=":
          return l <= r;
        case ">":
          return l > r;
        case ">=":
          return l >= r;
        case "==":
          return l === r;
        default:
          return l !== r;
      }
    }
    case "logical": {
      const left = truth(evaluate(node.left, result, source), source);
      if (node.op === "&&") return left && truth(evaluate(node.right, result, source), source);
      return left || truth(evaluate(node.right, result, source), source);
    }
  }
}

function numeric(value: Value, source: string): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") throw new ConditionEvaluationError(source, "a condition was used as a number");
  if (value.length === 1) return value[0] as number;
  throw new ConditionEvaluationError(
    source,
    `result stands for one number, but the query returned ${series(value.length)}: index it (result[0]) or aggregate the query`,
  );
}

function truth(value: Value, source: string): boolean {
  if (typeof value === "boolean") return value;
  throw new ConditionEvaluationError(source, "is not a condition");
}

const series = (n: number) => (n === 1 ? "1 series" : `${n} series`);
