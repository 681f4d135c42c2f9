// How visits are handed out and counted when something goes wrong mid-purchase: cases the real shop does not
// produce on demand (a payment whose answer never comes, a load stopped half-way through a purchase). The happy
// path and the pages' real markup are proven against the real shop in synthetic-load-on-real-shop.test.ts.
import { describe, expect, it } from "vitest";
import type { Answer } from "../../../src/delivery/load/pages.js";
import { Shopper } from "../../../src/delivery/load/shopper.js";
import { LoadTally } from "../../../src/delivery/load/tally.js";
import { VisitPlanner } from "../../../src/delivery/load/visit-planner.js";

const kinds = (planner: VisitPlanner, n: number) => Array.from({ length: n }, () => planner.nextKind()[0]).join("");

describe("the visit mix", () => {
  it("spreads purchases evenly in the configured proportion", () => {
    expect(kinds(new VisitPlanner({ catalogReads: 3, purchases: 1 }), 12)).toBe("rrrprrrprrrp");
    expect(kinds(new VisitPlanner({ catalogReads: 2, purchases: 3 }), 10)).toBe("rprpprprpp");
    expect(kinds(new VisitPlanner({ catalogReads: 0, purchases: 1 }), 4)).toBe("pppp");
    expect(kinds(new VisitPlanner({ catalogReads: 1, purchases: 0 }), 4)).toBe("rrrr");
  });

  it("reads the product list and each product it has seen in turn", () => {
    const planner = new VisitPlanner({ catalogReads: 1, purchases: 0 });
    expect(planner.readPath()).toBe("/");
    planner.learn(["MUG-1", "PRESS-2"]);
    expect([planner.readPath(), planner.readPath(), planner.readPath()]).toEqual([
      "/products/MUG-1",
      "/products/PRESS-2",
      "/",
    ]);
  });
});

// Pages with the storefront's markup (views/catalog.ts and views/checkout.ts), cut to what the shopper reads.
const page = (body: string, headers: Answer["headers"] = {}): Answer => ({ status: 200, body, headers });
const LIST = page(
  '<ul class="grid"><li class="card">\n<a class="card-link" href="/products/MUG-1"><h2>Mug</h2></a>\n<p class="muted">In stock</p>\n</li></ul>',
);
const PRODUCT = page(
  '<form method="post" action="/cart/items" class="add-to-cart">\n<input type="hidden" name="_csrf" value="t1">\n<input type="hidden" name="sku" value="MUG-1">\n<button type="submit">Add to cart</button>\n</form>',
  { "set-cookie": ["shop_csrf=s1; Path=/; HttpOnly"] },
);
const CHECKOUT = page(
  '<form method="post" action="/checkout" class="checkout" novalidate>\n<input type="hidden" name="_csrf" value="t2">\n<input type="hidden" name="idempotencyKey" value="k1">\n</form>',
);
const redirect = (location: string): Answer => ({ status: 303, body: "", headers: { location } });

/** A purchase-only shopper walked to the point where it has just sent the payment. */
function shopperAtPayment() {
  const tally = new LoadTally();
  const shopper = new Shopper(new VisitPlanner({ catalogReads: 0, purchases: 1 }), tally);
  const answers = [LIST, PRODUCT, redirect("/cart"), page("<h1>Cart</h1>"), CHECKOUT];
  const sent = [shopper.next()];
  for (const answer of answers) {
    shopper.answer(answer);
    sent.push(shopper.next());
  }
  return { tally, shopper, sent };
}

describe("a purchase's accounting", () => {
  it("walks the storefront's forms with the CSRF token, cookies and the approved card", () => {
    const { sent } = shopperAtPayment();
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /",
      "GET /products/MUG-1",
      "POST /cart/items",
      "GET /cart",
      "GET /checkout",
      "POST /checkout",
    ]);
    expect(new URLSearchParams(sent[2]?.body)).toEqual(
      new URLSearchParams({ _csrf: "t1", sku: "MUG-1", quantity: "1" }),
    );
    expect(sent[2]?.headers.cookie).toBe("shop_csrf=s1");
    const payment = Object.fromEntries(new URLSearchParams(sent[5]?.body));
    expect(payment).toMatchObject({ _csrf: "t2", idempotencyKey: "k1", cardNumber: "4242424242424242", cvc: "123" });
  });

  it("counts a payment that never got an answer as outcome unknown, never as failed or completed", () => {
    const { tally, shopper } = shopperAtPayment();
    shopper.next(); // the tool moves on after a timeout or a broken connection, without an answer
    expect(tally.purchases).toMatchObject({ outcomeUnknown: 1, failed: 0, completed: 0 });
    expect([...tally.problems]).toEqual([["POST /checkout: no answer", 1]]);
  });

  it("counts a purchase the load stopped before paying as abandoned, and a paid one once", () => {
    const stopped = shopperAtPayment();
    stopped.shopper.answer(redirect("/orders/o-1"));
    stopped.shopper.finish(); // stopped before loading the confirmation
    expect(stopped.tally.purchases).toMatchObject({ completed: 1, abandoned: 0, outcomeUnknown: 0 });
    expect(stopped.tally.orderIds).toEqual(["o-1"]);

    const tally = new LoadTally();
    const early = new Shopper(new VisitPlanner({ catalogReads: 0, purchases: 1 }), tally);
    early.next();
    early.answer(LIST);
    early.finish();
    expect(tally.purchases).toMatchObject({ abandoned: 1, completed: 0 });
  });

  it("counts an answer a step did not expect as a failed purchase, naming the step", () => {
    const { tally, shopper } = shopperAtPayment();
    shopper.answer({ status: 500, body: "", headers: {} });
    expect(tally.purchases.failed).toBe(1);
    expect(tally.unexpected).toBe(1);
    expect([...tally.problems]).toEqual([["POST /checkout: HTTP 500", 1]]);
  });
});
