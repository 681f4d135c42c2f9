import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { captureLogs, createLogger, createServiceApp, errorResponses, type ServiceApp } from "../src/index.js";
import { storableTextSchema } from "../src/storable-text.js";

/** One raw HTTP/1.1 exchange over loopback, for what `inject` never reaches: Node's own parser. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      answer += chunk;
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

function parseRawAnswer(raw: string): { status: number; body: unknown } {
  const [head = "", body = ""] = raw.split("\r\n\r\n");
  return { status: Number(head.split(" ")[1]), body: JSON.parse(body) };
}

const documentedShape = (field: string) => ({
  error: expect.stringMatching(/^[a-z_]+$/),
  message: expect.stringContaining(field),
  details: [{ field, message: expect.any(String) }],
});

describe("what the framework and Node refuse is answered in the documented shape, naming the part", () => {
  const logs = captureLogs();
  let app: ServiceApp;
  let port: number;

  beforeAll(async () => {
    app = await createServiceApp({
      service: "demo",
      logger: createLogger({ service: "demo", destination: logs.stream }),
    });
    app.post(
      "/notes/:id",
      {
        schema: {
          params: z.object({ id: z.string() }),
          body: z.strictObject({ text: storableTextSchema.max(50), tags: z.array(z.string()).optional() }),
          response: { 200: z.object({ text: z.string() }), ...errorResponses },
        },
      },
      async (request) => ({ text: request.body.text }),
    );
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    port = typeof address === "object" && address ? address.port : 0;
  });
  afterAll(() => app.close());

  const post = (payload: string, contentType = "application/json", url = "/notes/1") =>
    app.inject({ method: "POST", url, headers: { "content-type": contentType }, payload });

  it("names a __proto__ key as a forbidden key, though the body is valid JSON", async () => {
    const answer = await post('{"text":"hi","__proto__":{"admin":true}}');
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toEqual({ ...documentedShape("body.__proto__"), error: "forbidden_key" });
  });

  it("names a constructor.prototype path, however deep", async () => {
    const answer = await post('{"text":"hi","tags":[],"meta":{"constructor":{"prototype":{"admin":true}}}}');
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toEqual({ ...documentedShape("body.meta.constructor.prototype"), error: "forbidden_key" });
    const harmless = await post('{"text":"constructor","tags":["__proto__"]}');
    expect(harmless.statusCode).toBe(200);
  });

  it("still calls broken or empty JSON invalid_json, naming the body", async () => {
    for (const payload of ["{nope", ""]) {
      const answer = await post(payload);
      expect(answer.statusCode, payload).toBe(400);
      expect(answer.json(), payload).toEqual({ ...documentedShape("body"), error: "invalid_json" });
    }
  });

  it("answers text/plain and form bodies to a JSON route with 415 naming the content type", async () => {
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
      const answer = await post('{"text":"hi"}', contentType);
      expect(answer.statusCode, contentType).toBe(415);
      expect(answer.json(), contentType).toEqual({
        ...documentedShape("headers.content-type"),
        error: "unsupported_media_type",
      });
    }
    expect((await post('{"text":"hi"}', "application/json; charset=utf-8")).statusCode).toBe(200);
  });

  it("refuses a NUL or a lone surrogate in a text field with 400 naming it", async () => {
    for (const text of ["a\u0000b", "\ud800", "x\udc00"]) {
      const answer = await post(JSON.stringify({ text }));
      expect(answer.statusCode, JSON.stringify(text)).toBe(400);
      expect(answer.json().details).toEqual([{ field: "body.text", message: expect.stringContaining("NUL") }]);
    }
    expect((await post(JSON.stringify({ text: "emoji 😀 is a valid pair" }))).statusCode).toBe(200);
  });

  it("answers a 5,000-character path parameter with 414 in our shape, without echoing the URL", async () => {
    const answer = await post('{"text":"hi"}', "application/json", `/notes/${"9".repeat(5000)}`);
    expect(answer.statusCode).toBe(414);
    expect(answer.json()).toEqual({ ...documentedShape("params"), error: "path_too_long" });
    expect(answer.body).not.toContain("9999999999");
    expect(answer.body).not.toContain("FST_ERR");
  });

  it("answers a bad percent-encoding in the path with 400 naming the url", async () => {
    const answer = await post('{"text":"hi"}', "application/json", "/notes/%E0%A4%A");
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toEqual({ ...documentedShape("url"), error: "bad_url" });
  });

  it("answers headers too large for Node's parser with 431 in our shape", async () => {
    const raw = await rawExchange(
      port,
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${"a".repeat(32 * 1024)}\r\n\r\n`,
    );
    expect(parseRawAnswer(raw)).toEqual({
      status: 431,
      body: { ...documentedShape("headers"), error: "headers_too_large" },
    });
  });

  it("answers a request Node cannot parse with 400 in our shape", async () => {
    const raw = await rawExchange(port, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n");
    expect(parseRawAnswer(raw)).toEqual({
      status: 400,
      body: { ...documentedShape("request"), error: "malformed_request" },
    });
    expect(logs.text()).toContain("request refused by the HTTP parser");
  });
});
