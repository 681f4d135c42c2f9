import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { conflict, requestFingerprint } from "@shop/service-kit";
import type { FastifyBaseLogger } from "fastify";
import type { Card } from "../clients/schemas.js";
import type { CheckoutRepository, StoredAnswer } from "../repositories/checkouts.js";
import type { CheckoutDriver, Outcome } from "./advance-checkout.js";
import { isFinished } from "./decisions.js";

export interface PlaceCheckoutDeps {
  readonly checkouts: CheckoutRepository;
  readonly driver: CheckoutDriver;
  readonly fingerprintSecret: string;
  /** How long one request may drive a checkout before another may take over. */
  readonly leaseMs: number;
  /** How long a request with a busy key waits for the driving request's answer. */
  readonly waitMs: number;
  readonly pollMs?: number;
}

export interface PlaceCheckoutRequest {
  readonly idempotencyKey: string;
  readonly body: { readonly cartId: string; readonly card: Card };
  readonly requestId: string;
  readonly log: FastifyBaseLogger;
}

export interface PlaceCheckoutResult {
  readonly answer: StoredAnswer;
  /** `replayed` when the answer was another request's. */
  readonly outcome: Outcome | "replayed";
}

/**
 * POST /checkout under an Idempotency-Key: the first request drives the checkout; requests arriving while it
 * runs wait for its answer; a later retry of an unfinished checkout drives it again (reconciling inline);
 * a finished checkout's answer is replayed.
 */
export function createCheckoutPlacer(deps: PlaceCheckoutDeps) {
  const pollMs = deps.pollMs ?? 50;

  return async function placeCheckout(request: PlaceCheckoutRequest): Promise<PlaceCheckoutResult> {
    const fingerprint = requestFingerprint(deps.fingerprintSecret, request.body);
    const ctx = () => ({ card: request.body.card, now: new Date(), requestId: request.requestId, log: request.log });
    const created = await deps.checkouts.insert({
      id: randomUUID(),
      idempotencyKey: request.idempotencyKey,
      fingerprint,
      cartId: request.body.cartId,
      leaseMs: deps.leaseMs,
    });
    if (created) return answered(await deps.driver.advance(created, ctx()));

    const deadline = Date.now() + deps.waitMs;
    for (;;) {
      const existing = await deps.checkouts.findByKey(request.idempotencyKey);
      if (!existing) throw new Error(`checkout with key ${request.idempotencyKey} disappeared`);
      if (existing.requestFingerprint !== fingerprint) {
        throw conflict("idempotency_key_reused", "This Idempotency-Key was used with a different request body", {
          idempotencyKey: request.idempotencyKey,
        });
      }
      if (existing.answer && isFinished(existing.status)) return { answer: existing.answer, outcome: "replayed" };
      // Unfinished and nobody driving it (the first request, or a reconciler pass without the card, gave up for now):
      // this request carries the card, so it drives the checkout on instead of replaying a stale "pending".
      if (!existing.leased) {
        const claimed = await deps.checkouts.claim(existing.id, deps.leaseMs);
        if (claimed) return answered(await deps.driver.advance(claimed, ctx()));
      }
      if (Date.now() >= deadline) {
        throw conflict("checkout_in_progress", "Another request with this Idempotency-Key is still running", {
          checkoutId: existing.id,
        });
      }
      await sleep(pollMs);
    }
  };
}

function answered(result: { checkout: { answer: StoredAnswer | null }; outcome: Outcome }): PlaceCheckoutResult {
  if (!result.checkout.answer) throw new Error("a checkout drive ended without an answer");
  return { answer: result.checkout.answer, outcome: result.outcome };
}
