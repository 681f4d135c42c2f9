import { readFileSync } from "node:fs";
import { request } from "node:https";
import { ClusterError } from "./errors.js";

/** A response from the apiserver. */
export interface ApiResponse {
  readonly status: number;
  readonly body: string;
}

/** The few apiserver calls `up` needs, over TLS with the admin client certificate. */
export interface ApiClient {
  get(path: string): Promise<ApiResponse>;
  post(path: string, body: unknown): Promise<ApiResponse>;
}

/** Options for {@link createApiClient}. */
export interface ApiClientOptions {
  /** Base URL, e.g. https://127.0.0.1:6443. */
  readonly server: string;
  readonly caCert: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** Per-request timeout in milliseconds. */
  readonly timeoutMs?: number;
}

/** A minimal apiserver client; the tests and the delivery code use real clients (kubectl, @kubernetes/client-node). */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const tls = {
    ca: readFileSync(options.caCert),
    cert: readFileSync(options.clientCert),
    key: readFileSync(options.clientKey),
  };
  const call = (method: string, path: string, body?: unknown) =>
    new Promise<ApiResponse>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        new URL(path, options.server),
        {
          method,
          ...tls,
          timeout: options.timeoutMs ?? 5_000,
          headers:
            payload === undefined
              ? {}
              : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on("error", reject);
      req.end(payload);
    });
  return { get: (path) => call("GET", path), post: (path, body) => call("POST", path, body) };
}

/** Parses a 2xx JSON answer, or fails naming the call and the apiserver's message. */
export function expectJson<T>(what: string, response: ApiResponse): T {
  if (response.status < 200 || response.status >= 300) {
    throw new ClusterError("command", `${what}: HTTP ${response.status}: ${response.body.slice(0, 500)}`);
  }
  return JSON.parse(response.body) as T;
}
