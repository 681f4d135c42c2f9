import { createHmac } from "node:crypto";

/** JSON with object keys sorted at every depth, so equal bodies give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** HMAC-SHA256 of the canonical body: identifies a request without keeping (or hashing unkeyed) its card number. */
export function requestFingerprint(secret: string, body: unknown): string {
  return createHmac("sha256", secret).update(canonicalJson(body)).digest("hex");
}
