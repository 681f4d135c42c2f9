// Every error the analysis code throws on purpose. Messages are one line naming what failed (the query, the
// condition, the Prometheus answer) so a measurement's message or a CLI's last line says what to fix.
import { DeliveryError } from "../errors.js";

/** Base class of the analysis errors. */
export class AnalysisError extends DeliveryError {
  override readonly name: string = "AnalysisError";
}

/** A successCondition or failureCondition does not parse; `reason` is the message without the expression. */
export class ConditionSyntaxError extends AnalysisError {
  override readonly name = "ConditionSyntaxError";
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`condition ${JSON.stringify(expression)}: ${reason}`);
  }
}

/** A condition parsed but cannot be evaluated against this measurement's values (e.g. `result[1]` of one series). */
export class ConditionEvaluationError extends AnalysisError {
  override readonly name = "ConditionEvaluationError";
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`condition ${JSON.stringify(expression)}: ${reason}`);
  }
}

/** What went wrong with a Prometheus query, so a caller can branch without parsing messages. */
export type PrometheusErrorKind = "unreachable" | "timeout" | "http" | "prometheus" | "malformed";

/**
 * An instant query failed: Prometheus could not be reached, answered an HTTP error, reported an error in its
 * JSON (`errorType`, `error`), or answered something that is not its API's JSON. Carries the query sent.
 */
export class PrometheusQueryError extends AnalysisError {
  override readonly name = "PrometheusQueryError";
  constructor(
    readonly kind: PrometheusErrorKind,
    readonly url: string,
    readonly query: string,
    detail: string,
    readonly status?: number,
    readonly errorType?: string,
    readonly prometheusMessage?: string,
  ) {
    super(`Prometheus at ${url}: ${detail}; query: ${query}`);
  }
}

/** runAnalysis was asked about something pipeline.yaml does not declare, or a revision that is not a digest. */
export class AnalysisInputError extends AnalysisError {
  override readonly name = "AnalysisInputError";
}
