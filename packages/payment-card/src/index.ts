import { z } from "zod";

/** True when the digits pass the Luhn checksum every real card number carries. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** True when the card's expiry month is over at `now` (a card is valid through the end of its month). */
export function isExpired(expMonth: number, expYear: number, now: Date): boolean {
  return expYear * 12 + expMonth < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
}

// Messages never echo the input: a card number must not reach an answer or a log.
/** A card as the JSON APIs take it; an expired card is named at `expYear` or `expMonth`. */
export const cardSchema = z
  .strictObject({
    number: z
      .string()
      .regex(/^\d{12,19}$/, { message: "must be 12 to 19 digits", abort: true })
      .refine(passesLuhn, "is not a valid card number (checksum failed)"),
    expMonth: z.number().int().min(1, "must be 1 to 12").max(12, "must be 1 to 12"),
    expYear: z.number().int().min(1000, "must be four digits").max(9999, "must be four digits"),
    cvc: z.string().regex(/^\d{3,4}$/, "must be 3 or 4 digits"),
  })
  .superRefine((card, context) => {
    const now = new Date();
    if (!isExpired(card.expMonth, card.expYear, now)) return;
    context.addIssue({
      code: "custom",
      path: [card.expYear < now.getUTCFullYear() ? "expYear" : "expMonth"],
      message: "the card has expired",
    });
  });

export type Card = z.infer<typeof cardSchema>;
