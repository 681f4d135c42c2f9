import { describe, expect, it } from "vitest";
import { formatMoney, minorToDecimal } from "../src/views/money.js";

// Intl puts a no-break space between amount and currency code; compare with plain spaces.
const spaced = (text: string) => text.replace(/\u00a0/g, " ");

describe("money formatting from integer minor units", () => {
  it("formats cents as currency for people", () => {
    expect(formatMoney(1999, "USD")).toBe("$19.99");
    expect(formatMoney(5, "USD")).toBe("$0.05");
    expect(formatMoney(0, "EUR")).toBe("€0.00");
    expect(spaced(formatMoney(123456789, "EUR", "de-DE"))).toBe("1.234.567,89 €");
  });

  it("respects currencies without minor units and with three", () => {
    expect(formatMoney(1500, "JPY")).toBe("¥1,500");
    expect(spaced(formatMoney(1234, "KWD"))).toBe("KWD 1.234");
  });

  it("stays exact for amounts a float would round", () => {
    expect(minorToDecimal(900719925474099, 2)).toBe("9007199254740.99");
    expect(formatMoney(900719925474099, "USD")).toBe("$9,007,199,254,740.99");
    expect(minorToDecimal(-5, 2)).toBe("-0.05");
  });

  it("refuses amounts that are not integers", () => {
    expect(() => formatMoney(19.99, "USD")).toThrow(RangeError);
  });
});
