import { type CallResult, DownstreamError } from "@shop/service-kit";
import type { z } from "zod";
import { errorAnswerSchema } from "./schemas.js";

/** A 4xx that a downstream service gave for a business reason the page explains, e.g. `out_of_stock`. */
export interface Rejection {
  readonly status: number;
  readonly error: string;
  readonly message: string;
  readonly details?: unknown;
}

/** Either the expected value or a rejection the page can explain. */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly rejection: Rejection };

/** The body of an answer with one of the `expected` statuses, checked against `schema`; anything else throws. */
export function expectAnswer<S extends z.ZodType>(
  service: string,
  result: CallResult,
  expected: readonly number[],
  schema: S,
): z.infer<S> {
  if (!expected.includes(result.status)) throw new DownstreamError(service, result.status, result.body);
  const parsed = schema.safeParse(result.body);
  if (!parsed.success) throw new DownstreamError(service, result.status, result.body);
  return parsed.data;
}

/** Like expectAnswer, but a 4xx in `rejected` comes back as a Rejection instead of throwing. */
export function expectOutcome<S extends z.ZodType>(
  service: string,
  result: CallResult,
  expected: readonly number[],
  schema: S,
  rejected: readonly number[],
): Outcome<z.infer<S>> {
  if (rejected.includes(result.status)) {
    const body = errorAnswerSchema.safeParse(result.body);
    if (!body.success) throw new DownstreamError(service, result.status, result.body);
    return { ok: false, rejection: { status: result.status, ...body.data } };
  }
  return { ok: true, value: expectAnswer(service, result, expected, schema) };
}
