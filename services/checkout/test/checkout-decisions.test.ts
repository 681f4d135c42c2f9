import { isExpired, passesLuhn } from "@shop/payment-card";
import { canonicalJson, requestFingerprint } from "@shop/service-kit";
import { describe, expect, it } from "vitest";
import { decidePayment, graceExpired, isFinished, publicStatus } from "../src/flow/decisions.js";

const SECRET = "unit-test-secret-0123456789";
const payment = (status: "processing" | "approved" | "declined" | "refunded", declineCode: string | null = null) => ({
  id: "pay-1",
  status,
  declineCode,
  amountMinor: 1000,
  currency: "EUR",
});

describe("request fingerprints", () => {
  const body = { cartId: "c1", card: { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123" } };

  it("ignore key order at every depth", () => {
    const reordered = { card: { cvc: "123", expYear: 2030, expMonth: 12, number: "4242424242424242" }, cartId: "c1" };
    expect(canonicalJson(reordered)).toBe(canonicalJson(body));
    expect(requestFingerprint(SECRET, reordered)).toBe(requestFingerprint(SECRET, body));
  });

  it("differ for another card, another cart or another secret, and never contain the card number", () => {
    const fingerprint = requestFingerprint(SECRET, body);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprint(SECRET, { ...body, card: { ...body.card, number: "5555555555554444" } })).not.toBe(
      fingerprint,
    );
    expect(requestFingerprint(SECRET, { ...body, cartId: "c2" })).not.toBe(fingerprint);
    expect(requestFingerprint(`${SECRET}x`, body)).not.toBe(fingerprint);
  });

  it("keep arrays in order and strings escaped", () => {
    expect(canonicalJson({ b: [2, 1], a: 'q"' })).toBe('{"a":"q\\"","b":[2,1]}');
  });
});

describe("payment decisions", () => {
  it("marks approved payments paid and declined ones failed with their code", () => {
    expect(decidePayment(payment("approved"))).toEqual({ kind: "mark_paid", paymentId: "pay-1" });
    expect(decidePayment(payment("declined", "insufficient_funds"))).toEqual({
      kind: "mark_failed",
      paymentId: "pay-1",
      declineCode: "insufficient_funds",
    });
  });

  it("waits on processing payments and treats refunded ones as compensated", () => {
    expect(decidePayment(payment("processing")).kind).toBe("wait");
    expect(decidePayment(payment("refunded")).kind).toBe("already_refunded");
  });

  it("lets the grace period run from the payment attempt, or from creation when none was sent", () => {
    const createdAt = new Date("2026-01-01T00:00:00Z");
    const paymentSentAt = new Date("2026-01-01T00:00:10Z");
    const at = (seconds: number) => new Date(createdAt.getTime() + seconds * 1000);
    expect(graceExpired({ createdAt, paymentSentAt }, at(39), 30_000)).toBe(false);
    expect(graceExpired({ createdAt, paymentSentAt }, at(40), 30_000)).toBe(true);
    expect(graceExpired({ createdAt, paymentSentAt: null }, at(30), 30_000)).toBe(true);
  });

  it("shows both unfinished states as pending and replays the others", () => {
    expect(publicStatus("in_progress")).toBe("pending");
    expect(publicStatus("pending_payment")).toBe("pending");
    expect(publicStatus("refunded")).toBe("refunded");
    expect(isFinished("pending_payment")).toBe(false);
    expect(isFinished("rejected")).toBe(true);
  });
});

describe("card checks", () => {
  it("accepts the sandbox cards by Luhn and refuses a changed digit", () => {
    for (const number of ["4242424242424242", "4000000000000002", "4000000000009995", "4000000000000259"]) {
      expect(passesLuhn(number)).toBe(true);
    }
    expect(passesLuhn("4242424242424241")).toBe(false);
  });

  it("counts a card as valid through the last day of its expiry month", () => {
    const now = new Date("2026-11-23T12:00:00Z");
    expect(isExpired(11, 2026, now)).toBe(false);
    expect(isExpired(10, 2026, now)).toBe(true);
    expect(isExpired(1, 2027, now)).toBe(false);
  });
});
