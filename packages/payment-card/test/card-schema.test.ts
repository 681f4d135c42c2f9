import { describe, expect, it } from "vitest";
import { cardSchema, isExpired, passesLuhn } from "../src/index.js";

const year = new Date().getUTCFullYear();
const fieldsOf = (input: unknown) => {
  const result = cardSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join("."));
};

describe("card input", () => {
  it("accepts a valid card and checks the Luhn sum", () => {
    expect(fieldsOf({ number: "4242424242424242", expMonth: 12, expYear: year + 1, cvc: "123" })).toEqual([]);
    expect(passesLuhn("378282246310005")).toBe(true);
    expect(passesLuhn("4242424242424241")).toBe(false);
    expect(passesLuhn("")).toBe(false);
  });

  it("names the field that is wrong, without echoing the number", () => {
    const bad = cardSchema.safeParse({ number: "4242424242424241", expMonth: 13, expYear: year, cvc: "12", pin: 1 });
    expect(bad.success).toBe(false);
    const text = JSON.stringify(bad.error?.issues);
    expect(text).not.toContain("4242424242424241");
    expect(fieldsOf({ number: "4242424242424241", expMonth: 13, expYear: year, cvc: "12", pin: 1 }).sort()).toEqual(
      ["", "cvc", "expMonth", "number"].sort(),
    );
  });

  it("calls a card expired after its month is over, naming the year or the month", () => {
    const now = new Date(Date.UTC(2026, 10, 15));
    expect(isExpired(11, 2026, now)).toBe(false);
    expect(isExpired(10, 2026, now)).toBe(true);
    expect(isExpired(1, 2027, now)).toBe(false);
    expect(fieldsOf({ number: "4242424242424242", expMonth: 12, expYear: year - 1, cvc: "123" })).toEqual(["expYear"]);
  });
});
