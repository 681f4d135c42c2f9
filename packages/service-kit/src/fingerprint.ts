import { createHmac } from "node:crypto";

/** JSON with object keys sorted at every depth, so equal bodies give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * Identifies a request body under an Idempotency-Key: HMAC-SHA256 of its canonical JSON, hex.
 * Keyed, so a body holding a card number is never hashed in a form that could be brute-forced back.
 */
export function requestFingerprint(secret: string, body: unknown): string {
  return createHmac("sha256", secret).update(canonicalJson(body)).digest("hex");
}
