import { type CallResult, DownstreamError, DownstreamUnavailableError } from "@shop/service-kit";
import type { z } from "zod";

/** Parses a successful downstream body with `schema`; a body that breaks the contract is a DownstreamError. */
export function parseBody<S extends z.ZodType>(service: string, result: CallResult, schema: S): z.infer<S> {
  const parsed = schema.safeParse(result.body);
  if (!parsed.success) throw new DownstreamError(service, result.status, result.body);
  return parsed.data;
}

/** True for 4xx answers: the other service understood and refused; anything else unexpected throws. */
export function isClientError(service: string, result: CallResult): boolean {
  if (result.status >= 400 && result.status < 500) return true;
  if (result.status >= 500) throw new DownstreamError(service, result.status, result.body);
  return false;
}

/** True when a call may or may not have taken effect: no answer in time, unreachable, or a 5xx. */
export function isOutcomeUnknown(error: unknown): boolean {
  return error instanceof DownstreamUnavailableError || (error instanceof DownstreamError && error.statusCode >= 500);
}
