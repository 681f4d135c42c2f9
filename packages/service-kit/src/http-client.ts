import { DownstreamError, DownstreamUnavailableError } from "./errors.js";

export interface ServiceClientOptions {
  /** Name used in errors and logs, e.g. "payments". */
  readonly service: string;
  readonly baseUrl: string;
  /** Default deadline for one call. */
  readonly timeoutMs: number;
}

export interface CallOptions {
  readonly body?: unknown;
  readonly requestId?: string;
  readonly idempotencyKey?: string;
  readonly timeoutMs?: number;
}

export interface CallResult<T = unknown> {
  readonly status: number;
  readonly body: T;
}

/** JSON over HTTP to another service, with a deadline and the caller's request id passed on. */
export class ServiceClient {
  constructor(private readonly options: ServiceClientOptions) {}

  /** Sends one request; any HTTP answer is returned, no answer in time throws DownstreamUnavailableError. */
  async call<T = unknown>(method: string, path: string, call: CallOptions = {}): Promise<CallResult<T>> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (call.body !== undefined) headers["content-type"] = "application/json";
    if (call.requestId) headers["x-request-id"] = call.requestId;
    if (call.idempotencyKey) headers["idempotency-key"] = call.idempotencyKey;
    const timeoutMs = call.timeoutMs ?? this.options.timeoutMs;
    const url = new URL(path, this.options.baseUrl);
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      throw new DownstreamUnavailableError(
        this.options.service,
        timedOut ? "timeout" : "unreachable",
        timedOut
          ? `${this.options.service} did not answer ${method} ${url.pathname} within ${timeoutMs} ms`
          : `${this.options.service} is unreachable at ${url.origin}`,
        { cause: error },
      );
    }
    return { status, body: parseJson(this.options.service, status, text) as T };
  }
}

/** An answer that is not JSON (a proxy's HTML error page, say) is an unexpected answer, not an unreachable service. */
function parseJson(service: string, status: number, text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new DownstreamError(service, status, { error: "invalid_json", message: text.slice(0, 200) });
  }
}
