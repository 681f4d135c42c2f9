// One purchase through the storefront's HTML forms, step by step, as a browser without JavaScript makes it:
// product list → product page → add to cart (303) → cart → checkout form → pay with the sandbox's approved card
// (303 to the order) → order confirmation. Each answer decides the next step; nothing here does I/O.
import { type Answer, header, hiddenFields, listedProducts, orderIdFrom, submitDisabled } from "./pages.js";
import type { PurchaseResult } from "./tally.js";
import type { VisitPlanner } from "./visit-planner.js";

/** The sandbox provider's card that is always approved. */
export const APPROVED_CARD = "4242424242424242";

/** One request the shopper makes. */
export interface Step {
  readonly method: "GET" | "POST";
  readonly path: string;
  /** Sent as application/x-www-form-urlencoded. */
  readonly form?: Readonly<Record<string, string>>;
  /** How the step is named in problems, without ids: `POST /checkout`. */
  readonly name: string;
}

/** What an answer did to the visit. */
export type Verdict =
  | { readonly next: "continue" }
  | { readonly next: "done" }
  /** The purchase's outcome is now known (a completed one still shows its confirmation page before it is done). */
  | { readonly next: "decided"; readonly result: PurchaseResult; readonly orderId?: string; readonly done: boolean }
  | {
      readonly next: "problem";
      readonly result: PurchaseResult;
      readonly problem: string;
      readonly unexpected: boolean;
    };

type Stage = "list" | "product" | "add" | "cart" | "checkoutForm" | "pay" | "confirmation";

const get = (path: string, name = `GET ${path}`): Step => ({ method: "GET", path, name });

/** A purchase in progress; `request()` gives the current step, `answer()` moves on. */
export class PurchaseVisit {
  private stage: Stage = "list";
  private sku = "";
  private fields: Record<string, string> = {};
  private orderPath = "";

  constructor(
    private readonly planner: VisitPlanner,
    private readonly now: () => Date,
  ) {}

  /** Whether the current step is the payment, whose outcome is unknown when it gets no answer. */
  get paying(): boolean {
    return this.stage === "pay";
  }

  request(): Step {
    switch (this.stage) {
      case "list":
        return get("/");
      case "product":
        return get(`/products/${encodeURIComponent(this.sku)}`, "GET /products/:sku");
      case "add":
        return {
          method: "POST",
          path: "/cart/items",
          form: { ...this.fields, quantity: "1" },
          name: "POST /cart/items",
        };
      case "cart":
        return get("/cart");
      case "checkoutForm":
        return get("/checkout");
      case "pay":
        return {
          method: "POST",
          path: "/checkout",
          form: {
            ...this.fields,
            holder: "Synthetic Load",
            cardNumber: APPROVED_CARD,
            expMonth: "12",
            expYear: String(this.now().getUTCFullYear() + 2),
            cvc: "123",
          },
          name: "POST /checkout",
        };
      case "confirmation":
        return get(this.orderPath, "GET /orders/:id");
    }
  }

  answer(answer: Answer): Verdict {
    const step = this.request().name;
    const unexpected = (
      what = `HTTP ${answer.status}${answer.status === 303 ? ` to ${header(answer, "location")}` : ""}`,
    ): Verdict => ({
      next: "problem",
      result: "failed",
      problem: `${step}: ${what}`,
      unexpected: true,
    });
    const refused = (why: string): Verdict => ({
      next: "problem",
      result: "refused",
      problem: `${step}: ${why}`,
      unexpected: false,
    });
    const moveTo = (stage: Stage): Verdict => {
      this.stage = stage;
      return { next: "continue" };
    };

    switch (this.stage) {
      case "list": {
        if (answer.status !== 200) return unexpected();
        const products = listedProducts(answer.body);
        this.planner.learn(products.all);
        const sku = this.planner.pick(products.inStock);
        if (sku === undefined) return refused("no product in stock");
        this.sku = sku;
        return moveTo("product");
      }
      case "product": {
        if (answer.status !== 200) return unexpected();
        if (submitDisabled(answer.body, "/cart/items")) return refused(`${this.sku} is out of stock`);
        const fields = hiddenFields(answer.body, "/cart/items");
        if (!fields) return unexpected("no add-to-cart form");
        this.fields = fields;
        return moveTo("add");
      }
      case "add":
        if (answer.status === 409) return refused(`${this.sku} sold out`);
        return answer.status === 303 ? moveTo("cart") : unexpected();
      case "cart":
        return answer.status === 200 ? moveTo("checkoutForm") : unexpected();
      case "checkoutForm": {
        // The storefront sends a cart whose stock no longer covers a line back to the cart page.
        if (answer.status === 303 && header(answer, "location") === "/cart") return refused("stock ran short");
        if (answer.status !== 200) return unexpected();
        const fields = hiddenFields(answer.body, "/checkout");
        if (!fields) return unexpected("no checkout form");
        this.fields = fields;
        return moveTo("pay");
      }
      case "pay":
        return this.paid(answer, unexpected, refused);
      case "confirmation":
        return answer.status === 200 ? { next: "done" } : unexpected();
    }
  }

  private paid(answer: Answer, unexpected: (what?: string) => Verdict, refused: (why: string) => Verdict): Verdict {
    if (answer.status === 409) return refused("the order was refused (sold out or cart already ordered)");
    if (answer.status !== 303) return unexpected();
    const location = header(answer, "location") ?? "";
    const orderId = orderIdFrom(location);
    if (orderId !== undefined) {
      this.orderPath = location;
      this.stage = "confirmation";
      return { next: "decided", result: "completed", orderId, done: false };
    }
    if (/^\/checkout\/[^/?#]+\?declined=/.test(location)) return { next: "decided", result: "declined", done: true };
    if (/^\/checkout\/[^/?#]+$/.test(location)) return { next: "decided", result: "pending", done: true };
    return unexpected();
  }
}
