import type { Writable } from "node:stream";
import { createLogger, type ServiceApp } from "@shop/service-kit";
import { buildApp, configSchema, createSandboxProvider, type PaymentProvider, SANDBOX_CARDS } from "../../src/index.js";
import { memoryLedger } from "./memory-ledger.js";

export const FINGERPRINT_SECRET = "test-fingerprint-secret-0123456789";
export const TEST_CVC = "7319";

export interface TestAppOptions {
  /** Where log lines go; silent when omitted. */
  readonly logDestination?: Writable;
  readonly provider?: PaymentProvider;
  readonly slowMs?: number;
}

/** The payments app on the given database, with a small slow-card delay. */
export async function buildTestApp(databaseUrl: string, options: TestAppOptions = {}): Promise<ServiceApp> {
  const config = configSchema.parse({
    DATABASE_URL: databaseUrl,
    FINGERPRINT_SECRET,
    SANDBOX_SLOW_MS: String(options.slowMs ?? 400),
    LOG_LEVEL: options.logDestination ? "info" : "silent",
  });
  const logger = createLogger({ service: "payments", level: config.LOG_LEVEL, destination: options.logDestination });
  const app = await buildApp(config, { logger, provider: options.provider });
  await app.ready();
  return app;
}

/** The sandbox, wrapped so a test can count how often the gateway was asked to charge. */
export function countingSandbox(slowMs = 400): PaymentProvider & { readonly calls: () => number } {
  const sandbox = createSandboxProvider({ slowMs, ledger: memoryLedger() });
  let calls = 0;
  return {
    calls: () => calls,
    charge(request) {
      calls++;
      return sandbox.charge(request);
    },
    resolveCharge: (paymentId) => sandbox.resolveCharge(paymentId),
  };
}

/** A valid `POST /payments` body; `card` fields can be overridden one by one. */
export function paymentBody(
  overrides: { amountMinor?: unknown; currency?: unknown; reference?: unknown; card?: Record<string, unknown> } = {},
) {
  const { card, ...rest } = overrides;
  return {
    amountMinor: 2500,
    currency: "EUR",
    reference: "ORD-000001",
    ...rest,
    card: {
      number: SANDBOX_CARDS.approved,
      expMonth: 12,
      expYear: new Date().getUTCFullYear() + 3,
      cvc: TEST_CVC,
      ...card,
    },
  };
}

/** `app.inject` options for `POST /payments` with an idempotency key. */
export function postPayment(idempotencyKey: string | undefined, payload: unknown) {
  return {
    method: "POST" as const,
    url: "/payments",
    headers: idempotencyKey === undefined ? {} : { "idempotency-key": idempotencyKey },
    payload: payload as Record<string, unknown>,
  };
}

let keyCounter = 0;
/** A fresh, valid idempotency key. */
export function newKey(label = "key"): string {
  keyCounter++;
  return `${label}-${process.pid}-${Date.now()}-${keyCounter}`;
}
