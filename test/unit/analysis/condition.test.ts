// The condition language is parsed and walked, never evaluated as JavaScript: what it accepts, what it computes,
// and how it refuses what it does not understand.
import { describe, expect, it } from "vitest";
import { compileCondition, conditionProblem } from "../../../src/delivery/analysis/condition.js";
import { ConditionEvaluationError, ConditionSyntaxError } from "../../../src/delivery/errors.js";

const holds = (source: string, result: number[]) => compileCondition(source).evaluate(result);

describe("conditions over result", () => {
  it("compares result as its only value, or indexed", () => {
    expect(holds("result <= 0.05", [0.05])).toBe(true);
    expect(holds("result <= 0.05", [0.051])).toBe(false);
    expect(holds("result[0] < 1.2", [1.19])).toBe(true);
    expect(holds("result[1] >= 3", [0, 3])).toBe(true);
    expect(holds("result == 1e-3", [0.001])).toBe(true);
    expect(holds("result != 0", [0])).toBe(false);
  });

  it("has arithmetic, precedence, parentheses, len and isNaN", () => {
    expect(holds("result[0] * 1000 <= 300", [0.25])).toBe(true);
    expect(holds("1 - result >= 0.99", [0.005])).toBe(true);
    expect(holds("-result[0] + 2 * 3 > 5", [0.5])).toBe(true);
    expect(holds("(1 + 2) * 2 == 6", [])).toBe(true);
    expect(holds("len(result) == 0 || result[0] >= 0.95", [])).toBe(true);
    expect(holds("len(result) == 0 || result[0] >= 0.95", [0.9])).toBe(false);
    expect(holds("isNaN(result)", [Number.NaN])).toBe(true);
  });

  it("has && || ! and the words and, or, not, with && binding tighter than ||", () => {
    expect(holds("result > 1 && result < 3", [2])).toBe(true);
    expect(holds("result > 1 and result < 3", [4])).toBe(false);
    expect(holds("result < 1 || result > 3", [4])).toBe(true);
    expect(holds("not (result > 1)", [0])).toBe(true);
    expect(holds("!(result > 1) or false", [2])).toBe(false);
    expect(holds("true || false && false", [])).toBe(true);
    // The right side of && is not evaluated when the left is false: result[5] would not exist.
    expect(holds("len(result) > 5 && result[5] > 0", [1])).toBe(false);
  });

  it("refuses to evaluate values that do not fit the condition", () => {
    expect(() => holds("result < 1", [1, 2])).toThrow(ConditionEvaluationError);
    expect(() => holds("result < 1", [1, 2])).toThrow("the query returned 2 series: index it (result[0])");
    expect(() => holds("result[2] < 1", [1])).toThrow("result[2] does not exist: the query returned 1 series");
  });

  it.each([
    ["result = 1", 'unexpected "=" at column 8 (use "==" to compare)'],
    ["result & 1", 'unexpected "&" at column 8 (use "&&")'],
    ["result <", "is incomplete at the end"],
    ["(result > 1", 'expected ")" at the end'],
    ["result > 1)", 'expected an operator or the end of the condition at column 11 (")")'],
    ["1 < result < 3", "comparisons cannot be chained: join them with && at column 12"],
    ["foo > 1", 'unknown name "foo" (conditions may use result, len(), isNaN()) at column 1'],
    ["process.exit(1)", `unexpected "." at column 8`],
    ["constructor > 1", `unknown name "constructor"`],
    ["eval('1') > 0", `unexpected "'" at column 6`],
    ["result", "is a list of values, not a condition"],
    ["result * 2", "is a number, not a condition"],
    ["result[a] > 1", 'expected a whole number index at column 8 ("a")'],
    ["result[-1] > 1", "expected a whole number index"],
    ["true && 1", "&& joins conditions"],
    ["result > true", "> compares numbers"],
    ["len(1) > 0", "len() takes result"],
    ["", "is empty"],
    ["   ", "is empty"],
    [`${"(".repeat(40)}result > 1${")".repeat(40)}`, "nests deeper than 32 levels"],
    [`result > ${"1".repeat(600)}`, "is longer than 500 characters"],
  ])("refuses %j: %s", (source, message) => {
    expect(() => compileCondition(source)).toThrow(ConditionSyntaxError);
    expect(conditionProblem(source)).toContain(message);
  });

  it("names the expression in the error's message", () => {
    expect(() => compileCondition("result => 1")).toThrow('condition "result => 1": unexpected "=" at column 8');
    expect(conditionProblem("result <= 0.05")).toBeUndefined();
  });
});
