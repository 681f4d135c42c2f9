import type { Pool, ServiceApp } from "@shop/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, cartWith, connect, createApiTestDatabase, insertProduct, stockOf } from "./test-app.js";

describe("orders", () => {
  let app: ServiceApp;
  let db: Pool;
  let nextSku = 0;
  /** A product of its own for each test, so tests never share stock. */
  const product = async (stock: number, priceMinor = 1000, id?: string) => {
    const sku = `T-${++nextSku}`;
    await insertProduct(db, { sku, stock, priceMinor, ...(id ? { id } : {}) });
    return sku;
  };
  const placeOrder = (cartId: string, checkoutId: string) =>
    app.inject({ method: "POST", url: "/orders", payload: { cartId, checkoutId } });
  const transition = (orderId: string, payload: object) =>
    app.inject({ method: "POST", url: `/orders/${orderId}/transitions`, payload });

  beforeAll(async () => {
    const url = await createApiTestDatabase("api_orders");
    app = await buildTestApp(url, { SEED_CATALOG: "false" });
    db = connect(url);
  });
  afterAll(async () => {
    await app.close();
    await db.end();
  });

  it("shows a reservation and its release on the cached catalog page at once, not a ttl later", async () => {
    const sku = await product(7);
    const stockListed = async () => {
      const page = (await app.inject(`/products?limit=100&q=${sku}`)).json();
      return page.items.find((item: { sku: string }) => item.sku === sku)?.stock;
    };
    expect(await stockListed()).toBe(7);
    const order = (await placeOrder(await cartWith(app, [{ sku, quantity: 3 }]), "chk-cache-1")).json();
    expect(await stockListed()).toBe(4);
    await transition(order.id, { to: "payment_failed", reason: "card_declined" });
    expect(await stockListed()).toBe(7);
  });

  it("reserves the stock of every line and snapshots prices", async () => {
    const [a, b] = [await product(10, 1250), await product(5, 399)];
    const cartId = await cartWith(app, [
      { sku: a, quantity: 2 },
      { sku: b, quantity: 3 },
    ]);
    const response = await placeOrder(cartId, "chk-reserve-1");
    expect(response.statusCode).toBe(201);
    const order = response.json();
    expect(order).toMatchObject({
      status: "pending",
      cartId,
      checkoutId: "chk-reserve-1",
      currency: "EUR",
      totalMinor: 2 * 1250 + 3 * 399,
      paymentId: null,
    });
    expect(order.number).toMatch(/^ORD-\d{6}$/);
    expect(order.items).toEqual([
      { sku: a, name: a, unitPriceMinor: 1250, quantity: 2, lineTotalMinor: 2500 },
      { sku: b, name: b, unitPriceMinor: 399, quantity: 3, lineTotalMinor: 1197 },
    ]);
    expect(order.history).toEqual([{ status: "pending", reason: "order placed", at: expect.any(String) }]);
    expect(await stockOf(db, a, b)).toEqual([8, 2]);

    await db.query("UPDATE products SET price_minor = 9999 WHERE sku = $1", [a]);
    expect((await app.inject(`/orders/${order.id}`)).json()).toEqual(order);
    expect((await app.inject(`/orders?checkoutId=chk-reserve-1`)).json()).toEqual({ items: [order] });
    expect((await app.inject(`/orders?checkoutId=chk-none`)).json()).toEqual({ items: [] });

    expect((await app.inject(`/carts/${cartId}`)).json().status).toBe("ordered");
    const addToOrdered = await app.inject({
      method: "POST",
      url: `/carts/${cartId}/items`,
      payload: { sku: a, quantity: 1 },
    });
    expect(addToOrdered.json().error).toBe("cart_not_open");
    expect((await placeOrder(cartId, "chk-reserve-2")).json().error).toBe("cart_not_open");

    const repeat = await placeOrder(cartId, "chk-reserve-1");
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json()).toEqual(order);
    expect(await stockOf(db, a, b)).toEqual([8, 2]);
  });

  it("refuses an empty cart, an unknown cart and a malformed body", async () => {
    const empty = await cartWith(app, []);
    expect((await placeOrder(empty, "chk-empty")).json()).toMatchObject({ error: "cart_empty" });
    expect((await placeOrder("00000000-0000-4000-8000-000000000000", "chk-ghost")).statusCode).toBe(404);
    const bad = await app.inject({ method: "POST", url: "/orders", payload: { cartId: empty, checkoutId: "a b" } });
    expect(bad.json().details.map((d: { field: string }) => d.field)).toEqual(["body.checkoutId"]);
  });

  it("leaves every line's stock unchanged when the second line is out of stock", async () => {
    const first = await product(10, 1000, "00000000-0000-4000-8000-0000000000a1");
    const second = await product(3, 1000, "00000000-0000-4000-8000-0000000000a2");
    const cartId = await cartWith(app, [
      { sku: first, quantity: 4 },
      { sku: second, quantity: 3 },
    ]);
    await db.query("UPDATE products SET stock = 1 WHERE sku = $1", [second]);
    const response = await placeOrder(cartId, "chk-oos");
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      error: "out_of_stock",
      details: { sku: second, requested: 3, available: 1 },
    });
    expect(await stockOf(db, first, second)).toEqual([10, 1]);
    expect((await app.inject(`/carts/${cartId}`)).json().status).toBe("open");
    expect((await app.inject("/orders?checkoutId=chk-oos")).json().items).toEqual([]);
  });

  it.each(["payment_failed", "cancelled"])(
    "moving to %s ten times at once gives the stock back exactly once and reopens the cart",
    async (to) => {
      const sku = await product(6);
      const cartId = await cartWith(app, [{ sku, quantity: 4 }]);
      const order = (await placeOrder(cartId, `chk-release-${to}`)).json();
      expect(await stockOf(db, sku)).toEqual([2]);

      const answers = await Promise.all(Array.from({ length: 10 }, () => transition(order.id, { to, reason: "test" })));
      expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(200));
      expect(answers.every((a) => a.json().status === to)).toBe(true);
      expect(await stockOf(db, sku)).toEqual([6]);
      const history = (await app.inject(`/orders/${order.id}`)).json().history;
      expect(history.map((h: { status: string }) => h.status)).toEqual(["pending", to]);
      expect(history[1].reason).toBe("test");
      expect((await app.inject(`/carts/${cartId}`)).json().status).toBe("open");

      const payLate = await transition(order.id, { to: "paid", paymentId: "pay-late" });
      expect(payLate.statusCode).toBe(409);
      expect(payLate.json()).toEqual({
        error: "invalid_transition",
        message: expect.any(String),
        details: { from: to, to: "paid" },
      });
      expect(await stockOf(db, sku)).toEqual([6]);

      const retry = await placeOrder(cartId, `chk-release-${to}-retry`);
      expect(retry.statusCode).toBe(201);
      expect(await stockOf(db, sku)).toEqual([2]);
    },
  );

  it("refuses a reason or payment id PostgreSQL cannot store with a 400 naming it, and the order is unchanged", async () => {
    const sku = await product(5);
    const order = (await placeOrder(await cartWith(app, [{ sku, quantity: 1 }]), "chk-unstorable")).json();
    for (const [payload, field] of [
      [{ to: "cancelled", reason: "changed my mind\u0000" }, "body.reason"],
      [{ to: "cancelled", reason: "\udc00 lone" }, "body.reason"],
      [{ to: "paid", paymentId: "pay\u0000123" }, "body.paymentId"],
    ] as const) {
      const refused = await transition(order.id, payload);
      expect(refused.statusCode, field).toBe(400);
      expect(
        refused.json().details.map((d: { field: string }) => d.field),
        field,
      ).toEqual([field]);
    }
    expect((await app.inject(`/orders/${order.id}`)).json().status).toBe("pending");
  });

  it("pays with a payment id, fulfils, and refuses moves the state machine does not have", async () => {
    const sku = await product(5);
    const order = (await placeOrder(await cartWith(app, [{ sku, quantity: 1 }]), "chk-pay")).json();

    const noPaymentId = await transition(order.id, { to: "paid" });
    expect(noPaymentId.statusCode).toBe(400);
    expect(noPaymentId.json().details.map((d: { field: string }) => d.field)).toEqual(["body.paymentId"]);
    const unknownField = await transition(order.id, { to: "paid", paymentId: "p", amountMinor: 0 });
    expect(unknownField.json().details.map((d: { field: string }) => d.field)).toEqual(["body.amountMinor"]);
    const badTarget = await transition(order.id, { to: "shipped" });
    expect(badTarget.json().details.map((d: { field: string }) => d.field)).toEqual(["body.to"]);

    const paid = await transition(order.id, { to: "paid", paymentId: "pay-123" });
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toMatchObject({ status: "paid", paymentId: "pay-123" });

    const samePaid = await transition(order.id, { to: "paid", paymentId: "pay-other" });
    expect(samePaid.statusCode).toBe(200);
    expect(samePaid.json()).toEqual(paid.json());

    for (const to of ["pending", "cancelled", "payment_failed"]) {
      const refused = await transition(order.id, { to });
      expect(refused.statusCode, to).toBe(409);
      expect(refused.json().details, to).toEqual({ from: "paid", to });
    }
    expect(await stockOf(db, sku)).toEqual([4]);

    const fulfilled = await transition(order.id, { to: "fulfilled" });
    expect(fulfilled.json().history.map((h: { status: string }) => h.status)).toEqual(["pending", "paid", "fulfilled"]);
    expect((await transition(order.id, { to: "fulfilled" })).statusCode).toBe(200);
    expect((await transition(order.id, { to: "pending" })).json().details).toEqual({
      from: "fulfilled",
      to: "pending",
    });

    const pendingOrder = (await placeOrder(await cartWith(app, [{ sku, quantity: 1 }]), "chk-pay-2")).json();
    expect((await transition(pendingOrder.id, { to: "fulfilled" })).json().details).toEqual({
      from: "pending",
      to: "fulfilled",
    });
    expect((await transition("00000000-0000-4000-8000-000000000000", { to: "cancelled" })).statusCode).toBe(404);
  });

  it("makes one order from a cart that ten checkouts order at once", async () => {
    const sku = await product(50);
    const cartId = await cartWith(app, [{ sku, quantity: 2 }]);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => placeOrder(cartId, `chk-cart-race-${i}`)));
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(1);
    const refused = answers.filter((a) => a.statusCode === 409);
    expect(refused.map((a) => a.json().error)).toEqual(Array(9).fill("cart_not_open"));
    expect(await stockOf(db, sku)).toEqual([48]);
  });

  it("places carts that hold the same products, added in opposite orders, all at once without a deadlock", async () => {
    const [a, b] = [await product(40), await product(40)];
    const carts = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        cartWith(
          app,
          i % 2 === 0
            ? [
                { sku: a, quantity: 1 },
                { sku: b, quantity: 2 },
              ]
            : [
                { sku: b, quantity: 2 },
                { sku: a, quantity: 1 },
              ],
        ),
      ),
    );
    const answers = await Promise.all(carts.map((cartId, i) => placeOrder(cartId, `chk-deadlock-${i}`)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(201));
    expect(await stockOf(db, a, b)).toEqual([28, 16]);
  });

  it("makes exactly one order when the same checkout id arrives ten times at once", async () => {
    const sku = await product(10);
    const cartId = await cartWith(app, [{ sku, quantity: 3 }]);
    const answers = await Promise.all(Array.from({ length: 10 }, () => placeOrder(cartId, "chk-twins")));
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
    expect(await stockOf(db, sku)).toEqual([7]);
    const rows = await db.query("SELECT count(*)::int AS n FROM orders WHERE checkout_id = 'chk-twins'");
    expect(rows.rows[0].n).toBe(1);
  });
});
