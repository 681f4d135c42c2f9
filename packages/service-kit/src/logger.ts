import pino, { type DestinationStream, type Logger } from "pino";
import { serializeError } from "./error-serializer.js";

/** Paths whose values never reach a log line: card data and credentials. */
export const REDACTED_PATHS = [
  "cardNumber",
  "cvc",
  "*.cardNumber",
  "*.cvc",
  "*.*.cardNumber",
  "*.*.cvc",
  "*.*.*.cardNumber",
  "*.*.*.cvc",
  "card.number",
  "*.card.number",
  "*.*.card.number",
  "card.cvc",
  "*.card.cvc",
  "*.*.card.cvc",
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
];

export interface LoggerOptions {
  readonly service: string;
  readonly level?: string;
  /** Where lines go; stdout when omitted (tests pass a capture stream). */
  readonly destination?: DestinationStream;
}

/** The pino logger every service uses, with card data and credentials redacted. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.service,
      level: options.level ?? "info",
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      serializers: { err: serializeError },
    },
    options.destination,
  );
}
