// The api's Order as its consumers read it: every consumer's view must be the contract's fields with the contract's
// optionality and nullability (parsing alone would not catch a view that reads a never-null field as nullable),
// and must parse what the real api on the real PostgreSQL answers.
import { buildApp, configSchema } from "@shop/api";
import { createTestDatabase } from "@shop/embedded-db";
import { createLogger, loadConfig, type ServiceApp } from "@shop/service-kit";
import { orderSchema as contract } from "@shop/shop-contracts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { checkoutViewSchema } from "../../services/checkout/src/routes/checkout/schemas.js";
import { orderSchema as storefrontView } from "../../services/storefront/src/downstream/schemas.js";

interface FieldShape {
  readonly optional: boolean;
  readonly nullable: boolean;
}

/** Every field of an object schema by path (`items[].sku`), nested objects and arrays included. */
function fieldsOf(schema: z.ZodType, path = ""): Map<string, FieldShape> {
  const fields = new Map<string, FieldShape>();
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) inner = inner.unwrap() as z.ZodType;
  if (inner instanceof z.ZodArray) return fieldsOf(inner.element as z.ZodType, `${path}[]`);
  if (!(inner instanceof z.ZodObject)) return fields;
  for (const [key, field] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
    const fieldPath = path ? `${path}.${key}` : key;
    fields.set(fieldPath, { optional: field.isOptional(), nullable: field.isNullable() });
    for (const [nestedPath, nested] of fieldsOf(field, fieldPath)) fields.set(nestedPath, nested);
  }
  return fields;
}

/** How a view departs from the contract: fields the api never sends, or read with another optionality or nullability. */
function driftFrom(view: z.ZodType): string[] {
  const expected = fieldsOf(contract);
  return [...fieldsOf(view)].flatMap(([path, read]) => {
    const sent = expected.get(path);
    if (!sent) return [`${path}: not in the contract`];
    const drift: string[] = [];
    if (read.nullable !== sent.nullable) drift.push(`${path}: nullable ${read.nullable}, contract ${sent.nullable}`);
    if (read.optional !== sent.optional) drift.push(`${path}: optional ${read.optional}, contract ${sent.optional}`);
    return drift;
  });
}

/** The order in checkout's own answers, which it parsed from api, and the storefront's view of api's and checkout's. */
const checkoutView = checkoutViewSchema.shape.order;
const views = { checkout: checkoutView, storefront: storefrontView } as const;

describe("the api's Order contract and its consumers' views", () => {
  for (const [consumer, view] of Object.entries(views)) {
    it(`${consumer} reads only contract fields, each with the contract's optionality and nullability`, () => {
      expect(driftFrom(view)).toEqual([]);
    });
  }

  it("checkout keeps every field, since it passes the order on whole in its own answers", () => {
    expect([...fieldsOf(checkoutView).keys()].sort()).toEqual([...fieldsOf(contract).keys()].sort());
  });

  describe("against the real api", () => {
    let app: ServiceApp;

    beforeAll(async () => {
      const databaseUrl = await createTestDatabase(inject("postgresAdminUrl"), "order_contract");
      const config = loadConfig(configSchema, { DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" });
      app = await buildApp(config, { logger: createLogger({ service: "api", level: "silent" }) });
      await app.ready();
    });
    afterAll(() => app?.close());

    /** Answers of every order route: placed, read, listed, paid (paymentId set) and failed (a history reason). */
    async function realAnswers(): Promise<unknown[]> {
      const products = (await app.inject("/products?limit=2")).json().items as Array<{ sku: string }>;
      const place = async (checkoutId: string) => {
        const cart = (await app.inject({ method: "POST", url: "/carts" })).json();
        for (const { sku } of products) {
          await app.inject({ method: "POST", url: `/carts/${cart.id}/items`, payload: { sku, quantity: 1 } });
        }
        const placed = await app.inject({ method: "POST", url: "/orders", payload: { cartId: cart.id, checkoutId } });
        expect(placed.statusCode).toBe(201);
        return placed.json();
      };
      const transition = (id: string, payload: object) =>
        app.inject({ method: "POST", url: `/orders/${id}/transitions`, payload }).then((answer) => answer.json());

      const [paid, failed] = [await place("contract-paid"), await place("contract-failed")];
      return [
        paid,
        (await app.inject(`/orders/${paid.id}`)).json(),
        ...(await app.inject("/orders?checkoutId=contract-paid")).json().items,
        await transition(paid.id, { to: "paid", paymentId: "pay_contract" }),
        await transition(failed.id, { to: "payment_failed", reason: "card_declined" }),
      ];
    }

    it("every view parses every answer, and the contract parses them with no field left over", async () => {
      const answers = await realAnswers();
      expect(answers).toHaveLength(5);
      for (const answer of answers) {
        expect(() => contract.strict().parse(answer)).not.toThrow();
        for (const view of Object.values(views)) expect(() => view.parse(answer)).not.toThrow();
      }
    });
  });
});
