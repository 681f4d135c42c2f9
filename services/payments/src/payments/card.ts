import { randomBytes } from "node:crypto";

export const CARD_BRANDS = ["visa", "mastercard", "amex", "unknown"] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

/** What may be kept about a card: never the number, never the CVC. */
export interface StoredCard {
  readonly token: string;
  readonly brand: CardBrand;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
}

/** The card network, from the number's prefix. */
export function cardBrand(number: string): CardBrand {
  if (number.startsWith("4")) return "visa";
  if (/^3[47]/.test(number)) return "amex";
  const two = Number(number.slice(0, 2));
  const four = Number(number.slice(0, 4));
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return "mastercard";
  return "unknown";
}

/** Keeps only what may be stored about a card, under a fresh random token. */
export function tokeniseCard(card: { number: string; expMonth: number; expYear: number }): StoredCard {
  return {
    token: `tok_${randomBytes(12).toString("hex")}`,
    brand: cardBrand(card.number),
    last4: card.number.slice(-4),
    expMonth: card.expMonth,
    expYear: card.expYear,
  };
}
