import { passesLuhn } from "@shop/payment-card";
import { describe, expect, it } from "vitest";
import { checkForm, checkoutFormSchema, quantityFormSchema } from "../src/forms.js";

const now = new Date("2030-06-15T12:00:00Z");
const validCard = {
  idempotencyKey: "0b7e1c1e-5d3f-4c83-9f39-6a1d3b0e2f10",
  cardNumber: "4242 4242 4242 4242",
  expMonth: "6",
  expYear: "2030",
  cvc: "123",
  holder: " Ada Lovelace ",
};

describe("form validation", () => {
  it("accepts a quantity of 1 to 99 and names the field otherwise", () => {
    expect(checkForm(quantityFormSchema, { quantity: " 3 " })).toEqual({ ok: true, data: { quantity: 3 } });
    for (const quantity of ["0", "100", "abc", "", "-1", "1.5"]) {
      const result = checkForm(quantityFormSchema, { quantity });
      expect(result.ok, quantity).toBe(false);
      if (!result.ok) expect(Object.keys(result.errors)).toEqual(["quantity"]);
    }
  });

  it("checks card numbers with Luhn", () => {
    expect(passesLuhn("4242424242424242")).toBe(true);
    expect(passesLuhn("4000000000000002")).toBe(true);
    expect(passesLuhn("4242424242424241")).toBe(false);
    expect(passesLuhn("")).toBe(false);
  });

  it("normalises a valid card form: digits only, numeric expiry, trimmed name", () => {
    const result = checkForm(checkoutFormSchema(now), validCard);
    expect(result).toEqual({
      ok: true,
      data: { ...validCard, cardNumber: "4242424242424242", expMonth: 6, expYear: 2030, holder: "Ada Lovelace" },
    });
    const shortYear = checkForm(checkoutFormSchema(now), { ...validCard, expYear: "31" });
    expect(shortYear.ok && shortYear.data.expYear).toBe(2031);
  });

  it("names each bad card field with a message that does not repeat the value", () => {
    const result = checkForm(checkoutFormSchema(now), {
      ...validCard,
      cardNumber: "4242424242424241",
      expMonth: "13",
      cvc: "12",
      holder: "",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(["cardNumber", "cvc", "expMonth", "holder"]);
    expect(JSON.stringify(result.errors)).not.toContain("4242");
  });

  it("refuses a card that expired before the current month", () => {
    const result = checkForm(checkoutFormSchema(now), { ...validCard, expMonth: "5", expYear: "2030" });
    expect(result).toEqual({ ok: false, errors: { expYear: "This card has expired" } });
  });
});
