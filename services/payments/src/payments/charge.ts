import { conflict, requestFingerprint } from "@shop/service-kit";
import type { FastifyBaseLogger } from "fastify";
import type { CrashHook } from "../fault-injection.js";
import type { PaymentMetrics } from "../metrics.js";
import { ChargeKeyClosedError, type ChargeOutcome, type PaymentProvider } from "../provider/provider.js";
import type { KeyRecord, PaymentsRepository } from "../repositories/payments.js";
import { tokeniseCard } from "./card.js";
import type { InFlightWork } from "./in-flight.js";
import type { CreatePaymentBody, Payment } from "./schemas.js";
import type { StaleSettler } from "./settle-stale.js";

export interface ChargeDependencies {
  readonly payments: PaymentsRepository;
  readonly provider: PaymentProvider;
  readonly fingerprintSecret: string;
  readonly metrics: PaymentMetrics;
  readonly inFlight: InFlightWork;
  readonly staleSettler: StaleSettler;
  /** The test-only crash hook (`PAYMENTS_FAULT`); does nothing unless configured. */
  readonly crashAt: CrashHook;
}

/** An answer to `POST /payments`: 201 new, 200 a finished replay, 202 a replay that is still processing. */
export interface ChargeAnswer {
  readonly statusCode: 200 | 201 | 202;
  readonly payment: Payment;
}

/** Idempotent charging and voiding of idempotency keys. */
export function createChargeService(deps: ChargeDependencies) {
  /** Asks the provider and records its answer; runs to the end even if the HTTP caller has gone. */
  async function settle(
    idempotencyKey: string,
    payment: Payment,
    body: CreatePaymentBody,
    log: FastifyBaseLogger,
  ): Promise<Payment> {
    deps.crashAt("after-row");
    let outcome: ChargeOutcome;
    try {
      outcome = await deps.provider.charge({
        paymentId: payment.id,
        amountMinor: body.amountMinor,
        currency: body.currency,
        reference: body.reference,
        card: body.card,
      });
    } catch (error) {
      // A settler decided this charge had been lost and voided the payment; the provider refused it, so no money moved.
      if (error instanceof ChargeKeyClosedError) throw voidedKey(idempotencyKey);
      deps.metrics.payments.inc({ outcome: "error" });
      log.error({ err: error, paymentId: payment.id }, "provider gave no outcome; payment stays processing");
      throw error;
    }
    deps.crashAt("after-provider");
    deps.metrics.payments.inc({ outcome: outcome.status });
    const completed = await deps.payments.complete(payment.id, outcome);
    deps.crashAt("after-update");
    log.info({ paymentId: payment.id, status: outcome.status }, "payment settled");
    if (!completed) throw new Error(`payment ${payment.id} stopped processing while its charge was running`);
    return completed;
  }

  /** A replay of a payment still processing: if its answer was lost (stale), the provider is asked for it now. */
  async function replayProcessing(idempotencyKey: string, answer: ChargeAnswer): Promise<ChargeAnswer> {
    const settled = await deps.staleSettler.settleIfStale(answer.payment);
    if (!settled) return answer;
    if (settled.kind === "voided") throw voidedKey(idempotencyKey);
    return { statusCode: 200, payment: settled.payment };
  }

  return {
    /** Charges once per idempotency key; a repeat of the same key and body gets the same payment back. */
    async charge(idempotencyKey: string, body: CreatePaymentBody, log: FastifyBaseLogger): Promise<ChargeAnswer> {
      deps.crashAt("before-row");
      const fingerprint = requestFingerprint(deps.fingerprintSecret, body);
      const created = await deps.payments.insertProcessing({
        idempotencyKey,
        fingerprint,
        amountMinor: body.amountMinor,
        currency: body.currency,
        reference: body.reference,
        card: tokeniseCard(body.card),
      });
      if (created) {
        const settling = settle(idempotencyKey, created, body, log);
        return { statusCode: 201, payment: await deps.inFlight.track(settling, created.id) };
      }
      // The insert yielded to a committed row with this key (rows are never deleted), so it is there to read.
      const existing = await deps.payments.findByKey(idempotencyKey);
      if (!existing) throw new Error(`idempotency key ${idempotencyKey} conflicted but has no row`);
      const answer = replay(idempotencyKey, existing, fingerprint);
      return answer.statusCode === 202 ? replayProcessing(idempotencyKey, answer) : answer;
    },

    /** Makes an unused key unusable; a key already used by a payment is a 409 `payment_exists`. */
    async voidKey(idempotencyKey: string): Promise<void> {
      if (await deps.payments.voidKey(idempotencyKey)) return;
      const existing = await deps.payments.findByKey(idempotencyKey);
      if (existing?.kind === "payment") {
        throw conflict("payment_exists", `A payment was already made with idempotency key ${idempotencyKey}`, {
          ...existing.payment,
        });
      }
    },
  };
}

function voidedKey(idempotencyKey: string) {
  return conflict("idempotency_key_voided", `Idempotency key ${idempotencyKey} was voided; no payment may use it`, {
    idempotencyKey,
  });
}

function replay(idempotencyKey: string, existing: KeyRecord, fingerprint: string): ChargeAnswer {
  if (existing.kind === "voided") throw voidedKey(idempotencyKey);
  if (existing.fingerprint !== fingerprint) {
    throw conflict(
      "idempotency_key_reused",
      `Idempotency key ${idempotencyKey} was already used with a different request body`,
      { idempotencyKey },
    );
  }
  return { statusCode: existing.payment.status === "processing" ? 202 : 200, payment: existing.payment };
}
