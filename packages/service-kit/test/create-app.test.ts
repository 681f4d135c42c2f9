import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  captureLogs,
  conflict,
  createLogger,
  createServiceApp,
  errorResponses,
  type ServiceApp,
} from "../src/index.js";

describe("a service app built by the kit", () => {
  const logs = captureLogs();
  let app: ServiceApp;
  let dependencyUp = true;

  beforeAll(async () => {
    app = await createServiceApp({
      service: "demo",
      logger: createLogger({ service: "demo", destination: logs.stream }),
      bodyLimit: 1024,
      readiness: {
        upstream: async () => {
          if (!dependencyUp) throw new Error("connection refused");
        },
      },
    });
    app.post(
      "/items",
      {
        schema: {
          body: z.strictObject({
            name: z.string().max(20),
            quantity: z.number().int().positive(),
            card: z.object({ cardNumber: z.string() }).optional(),
          }),
          response: { 201: z.object({ name: z.string() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        request.log.info({ body: request.body }, "creating item");
        if (request.body.name === "taken") throw conflict("name_taken", "name is taken", { name: "taken" });
        if (request.body.name === "boom") throw new Error("database password is hunter2");
        return reply.code(201).send({ name: request.body.name });
      },
    );
    await app.ready();
  });
  afterAll(() => app.close());

  it("names the field of a wrong type, a negative number and an unknown key", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/items",
      payload: { name: 5, quantity: -1, admin: true },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error).toBe("validation_failed");
    const fields = body.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(["body.name", "body.quantity", "body.admin"]));
    expect(body.message).toContain("body.quantity");
  });

  it("refuses an oversized body with 413 and malformed JSON with 400", async () => {
    const big = await app.inject({ method: "POST", url: "/items", payload: { name: "x".repeat(5000), quantity: 1 } });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe("payload_too_large");
    const broken = await app.inject({
      method: "POST",
      url: "/items",
      headers: { "content-type": "application/json" },
      payload: "{nope",
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error).toBe("invalid_json");
  });

  it("sends HttpErrors as they are and hides the cause of a 5xx", async () => {
    const taken = await app.inject({ method: "POST", url: "/items", payload: { name: "taken", quantity: 1 } });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toEqual({ error: "name_taken", message: "name is taken", details: { name: "taken" } });
    const boom = await app.inject({
      method: "POST",
      url: "/items",
      payload: { name: "boom", quantity: 1 },
      headers: { "x-request-id": "req-boom-1" },
    });
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain("hunter2");
    expect(boom.json().details.requestId).toBe("req-boom-1");
    expect(logs.text()).toContain("hunter2");
  });

  it("keeps a safe incoming request id and replaces an unsafe one", async () => {
    const kept = await app.inject({ method: "GET", url: "/healthz", headers: { "x-request-id": "abc-123" } });
    expect(kept.headers["x-request-id"]).toBe("abc-123");
    const replaced = await app.inject({
      method: "GET",
      url: "/healthz",
      headers: { "x-request-id": "bad id\nforged log line" },
    });
    expect(replaced.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("redacts card numbers from logs", async () => {
    await app.inject({
      method: "POST",
      url: "/items",
      payload: { name: "ok", quantity: 1, card: { cardNumber: "4242424242424242" } },
    });
    expect(logs.text()).toContain("creating item");
    expect(logs.text()).not.toContain("4242424242424242");
  });

  it("reports readiness per dependency", async () => {
    expect((await app.inject("/healthz")).json()).toEqual({ status: "ok" });
    expect((await app.inject("/readyz")).statusCode).toBe(200);
    dependencyUp = false;
    const down = await app.inject("/readyz");
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: "not_ready", checks: { upstream: "connection refused" } });
    dependencyUp = true;
  });

  it("exports request durations by route, method and status", async () => {
    await app.inject({ method: "POST", url: "/items", payload: { name: "m", quantity: 1 } });
    const metrics = (await app.inject("/metrics")).body;
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{service="demo",route="\/items",method="POST",status_code="201"\} [1-9]/,
    );
    expect(metrics).toContain("process_resident_memory_bytes");
  });

  it("publishes an OpenAPI document generated from the route schemas", async () => {
    const doc = (await app.inject("/openapi.json")).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths["/items"].post.requestBody.content["application/json"].schema.properties.quantity.type).toBe(
      "integer",
    );
    expect(doc.paths["/metrics"]).toBeUndefined();
  });
});
