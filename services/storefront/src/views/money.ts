const fractionDigitsCache = new Map<string, number>();

function fractionDigits(currency: string): number {
  let digits = fractionDigitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    fractionDigitsCache.set(currency, digits);
  }
  return digits;
}

/** The exact decimal string of an integer amount of minor units, e.g. (1999, 2) → "19.99", (-5, 2) → "-0.05". */
export function minorToDecimal(amountMinor: number, digits: number): string {
  if (!Number.isSafeInteger(amountMinor))
    throw new RangeError(`amountMinor must be a safe integer, got ${amountMinor}`);
  const sign = amountMinor < 0 ? "-" : "";
  const units = String(Math.abs(amountMinor)).padStart(digits + 1, "0");
  if (digits === 0) return sign + units;
  return `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}`;
}

/** Formats integer minor units of an ISO 4217 currency for people, e.g. (1999, "EUR") → "€19.99". */
export function formatMoney(amountMinor: number, currency: string, locale = "en-US"): string {
  const formatter = new Intl.NumberFormat(locale, { style: "currency", currency });
  // A decimal string keeps the amount exact: no float ever stands between the integer and the text.
  return formatter.format(minorToDecimal(amountMinor, fractionDigits(currency)) as `${number}`);
}
