import { createHmac } from "node:crypto";

/** A keyed fingerprint of a request body: HMAC-SHA256 of its canonical JSON, hex. */
export function requestFingerprint(secret: string, body: unknown): string {
  return createHmac("sha256", secret).update(canonicalJson(body)).digest("hex");
}

/** JSON with object keys sorted at every level, so equal bodies give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
