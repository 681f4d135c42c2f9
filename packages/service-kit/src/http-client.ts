import http from "node:http";
import https from "node:https";
import { DownstreamError, DownstreamUnavailableError } from "./errors.js";

export interface ServiceClientOptions {
  /** Name used in errors and logs, e.g. "payments". */
  readonly service: string;
  readonly baseUrl: string;
  /** Default deadline for one call. */
  readonly timeoutMs: number;
  /** Most connections kept open to the service at once (default 32); calls beyond it queue for a free one. */
  readonly maxSockets?: number;
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

/** Idle connections close before the services' own 5 s keep-alive timeout, so a reused socket is never one the server is closing. */
const IDLE_SOCKET_MS = 4_000;

/**
 * JSON over HTTP to another service, with a deadline and the caller's request id passed on. Connections are kept
 * alive and pooled per client (node:http's agent), so a call costs one exchange, not a TCP handshake plus one.
 */
export class ServiceClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(private readonly options: ServiceClientOptions) {
    this.base = new URL(options.baseUrl);
    const secure = this.base.protocol === "https:";
    this.transport = secure ? https : http;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 32, timeout: IDLE_SOCKET_MS };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /** Sends one request; any HTTP answer is returned, no answer in time throws DownstreamUnavailableError. */
  async call<T = unknown>(method: string, path: string, call: CallOptions = {}): Promise<CallResult<T>> {
    const headers: Record<string, string> = { accept: "application/json" };
    const payload = call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body));
    if (payload) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(payload.length);
    }
    if (call.requestId) headers["x-request-id"] = call.requestId;
    if (call.idempotencyKey) headers["idempotency-key"] = call.idempotencyKey;
    const timeoutMs = call.timeoutMs ?? this.options.timeoutMs;
    const url = new URL(path, this.base);
    let answer: { status: number; text: string };
    try {
      answer = await this.exchange(url, method, headers, payload, timeoutMs).catch((error: unknown) => {
        // A kept-alive socket the server closed while idle fails at once, before the request reached any handler:
        // the request is sent again once, on a fresh connection.
        if (!(error instanceof StaleSocketError)) throw error;
        return this.exchange(url, method, headers, payload, timeoutMs);
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === "TimeoutError";
      throw new DownstreamUnavailableError(
        this.options.service,
        timedOut ? "timeout" : "unreachable",
        timedOut
          ? `${this.options.service} did not answer ${method} ${url.pathname} within ${timeoutMs} ms`
          : `${this.options.service} is unreachable at ${url.origin}`,
        { cause: error },
      );
    }
    return { status: answer.status, body: parseJson(this.options.service, answer.status, answer.text) as T };
  }

  /** One request and its whole answer within `timeoutMs`; past the deadline the request is torn down. */
  private exchange(
    url: URL,
    method: string,
    headers: Record<string, string>,
    payload: Buffer | undefined,
    timeoutMs: number,
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const request = this.transport.request(url, { method, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
        });
        response.on("error", fail);
        response.on("close", () => {
          if (!response.complete) fail(new Error("the answer was cut off"));
        });
      });
      const timer = setTimeout(() => {
        const error = new Error(`no answer within ${timeoutMs} ms`);
        error.name = "TimeoutError";
        request.destroy(error);
      }, timeoutMs);
      function fail(error: Error) {
        clearTimeout(timer);
        reject(error);
      }
      let answered = false;
      request.on("response", () => {
        answered = true;
      });
      request.on("error", (error: Error & { code?: string }) => {
        const stale = request.reusedSocket && !answered && error.code === "ECONNRESET";
        fail(stale ? new StaleSocketError(error) : error);
      });
      request.end(payload);
    });
  }
}

class StaleSocketError extends Error {
  constructor(cause: Error) {
    super("a kept-alive connection was closed by the server", { cause });
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
