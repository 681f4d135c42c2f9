import { describe, expect, it } from "vitest";
import { currencySchema } from "../src/index.js";

describe("a currency is an active ISO 4217 code", () => {
  it("accepts the currencies in use", () => {
    for (const code of ["EUR", "USD", "JPY", "GBP", "CHF", "ZWG", "XCG"]) {
      expect(currencySchema.safeParse(code).success, code).toBe(true);
    }
  });

  it("refuses three capital letters that are no currency, test and fund codes, and withdrawn ones", () => {
    for (const code of ["XYZ", "AAA", "XTS", "XXX", "XAU", "BOV", "DEM", "HRK", "eur", "EURO", ""]) {
      const result = currencySchema.safeParse(code);
      expect(result.success, code).toBe(false);
      expect(result.error?.issues[0]?.message, code).toContain("ISO 4217");
    }
  });
});
