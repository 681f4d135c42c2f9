import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DownstreamError, DownstreamUnavailableError, ServiceClient } from "../src/index.js";

describe("ServiceClient talking to a real HTTP server on loopback", () => {
  let server: FastifyInstance;
  let baseUrl: string;
  const seen: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    // Every connection is closed on close(): one still busy when afterAll runs would otherwise be kept alive for
    // Fastify's default 72 s, past the hook's deadline (seen on a loaded 2-core CI run).
    server = Fastify({ forceCloseConnections: true });
    server.post("/echo", async (request) => {
      seen.push({ requestId: request.headers["x-request-id"], key: request.headers["idempotency-key"] });
      return { got: request.body };
    });
    server.get("/html", async (_request, reply) => reply.code(502).type("text/html").send("<h1>Bad gateway</h1>"));
    server.get("/slow", async () => new Promise((resolve) => setTimeout(() => resolve({ late: true }), 500)));
    baseUrl = await server.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(() => server.close());

  it("sends JSON with the request id and idempotency key, and returns any status with its body", async () => {
    const client = new ServiceClient({ service: "demo", baseUrl, timeoutMs: 1000 });
    const answer = await client.call("POST", "/echo", {
      body: { a: 1 },
      requestId: "req-1",
      idempotencyKey: "key-12345",
    });
    expect(answer).toEqual({ status: 200, body: { got: { a: 1 } } });
    expect(seen.at(-1)).toEqual({ requestId: "req-1", key: "key-12345" });
    const missing = await client.call("GET", "/nope");
    expect(missing.status).toBe(404);
  });

  it("tells a timeout from an unreachable service, and both from a non-JSON answer", async () => {
    const client = new ServiceClient({ service: "demo", baseUrl, timeoutMs: 100 });
    await expect(client.call("GET", "/slow")).rejects.toMatchObject({
      name: "DownstreamUnavailableError",
      reason: "timeout",
    });
    const nowhere = new ServiceClient({ service: "gone", baseUrl: "http://127.0.0.1:1", timeoutMs: 500 });
    const unreachable = await nowhere.call("GET", "/").catch((error: unknown) => error);
    expect(unreachable).toBeInstanceOf(DownstreamUnavailableError);
    expect((unreachable as DownstreamUnavailableError).reason).toBe("unreachable");
    const html = await client.call("GET", "/html").catch((error: unknown) => error);
    expect(html).toBeInstanceOf(DownstreamError);
    expect((html as DownstreamError).statusCode).toBe(502);
  });
});
