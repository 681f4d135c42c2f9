// One shopper per connection of the load tool: it asks the planner for a visit, turns the visit's steps into
// requests, and feeds the answers back. A request that gets no answer (connection error, timeout) ends the visit.
import { type Answer, CookieJar } from "./pages.js";
import { PurchaseVisit, type Step } from "./purchase-visit.js";
import type { LoadTally } from "./tally.js";
import type { VisitPlanner } from "./visit-planner.js";

/** A request in the shape the load tool sends it. */
export interface OutgoingRequest {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Synthetic traffic says what it is, so logs and access records can tell it from shoppers. */
export const SYNTHETIC_USER_AGENT = "ecommerce-delivery-synthetic-load/1";

/** How a catalog read is named in problems, without the SKU. */
const readName = (path: string) => `catalog read GET ${path.startsWith("/products/") ? "/products/:sku" : path}`;

type Visit =
  | { readonly kind: "read"; readonly path: string }
  | { readonly kind: "purchase"; readonly visit: PurchaseVisit };

/** Walks visits one request at a time; the load tool calls `next()` before each request and `answer()` after. */
export class Shopper {
  private jar = new CookieJar();
  private visit: Visit | undefined;
  private awaiting: Step | undefined;
  /** Whether the current purchase's outcome is already counted (a completed one still loads its confirmation). */
  private decided = false;

  constructor(
    private readonly planner: VisitPlanner,
    private readonly tally: LoadTally,
    private readonly now: () => Date = () => new Date(),
  ) {}

  next(): OutgoingRequest {
    if (this.awaiting) this.unanswered(this.awaiting);
    if (!this.visit) this.visit = this.startVisit();
    const visit = this.visit;
    const step: Step =
      visit.kind === "read" ? { method: "GET", path: visit.path, name: readName(visit.path) } : visit.visit.request();
    this.awaiting = step;
    this.tally.request();
    const headers: Record<string, string> = { accept: "text/html", "user-agent": SYNTHETIC_USER_AGENT };
    const cookie = this.jar.header();
    if (cookie !== undefined) headers.cookie = cookie;
    if (step.form === undefined) return { method: step.method, path: step.path, headers };
    headers["content-type"] = "application/x-www-form-urlencoded";
    return { method: step.method, path: step.path, headers, body: new URLSearchParams(step.form).toString() };
  }

  answer(answer: Answer): void {
    this.awaiting = undefined;
    this.tally.answer(answer.status);
    this.jar.update(answer);
    const visit = this.visit;
    if (!visit) return;
    if (visit.kind === "read") {
      if (answer.status === 200) this.tally.catalogReads.completed += 1;
      else {
        this.tally.catalogReads.failed += 1;
        this.tally.problem(`${readName(visit.path)}: HTTP ${answer.status}`, true);
      }
      this.visit = undefined;
      return;
    }
    const verdict = visit.visit.answer(answer);
    switch (verdict.next) {
      case "continue":
        return;
      case "done":
        this.visit = undefined;
        return;
      case "decided":
        this.tally.purchaseEnded(verdict.result, verdict.orderId);
        this.decided = true;
        if (verdict.done) this.visit = undefined;
        return;
      case "problem":
        this.tally.problem(verdict.problem, verdict.unexpected);
        if (!this.decided) this.tally.purchaseEnded(verdict.result);
        this.visit = undefined;
        return;
    }
  }

  /** At the end of the load: a purchase left half-way is abandoned, one left waiting for its payment unknown. */
  finish(): void {
    const visit = this.visit;
    if (visit?.kind === "purchase" && !this.decided) {
      this.tally.purchaseEnded(this.awaiting && visit.visit.paying ? "outcomeUnknown" : "abandoned");
    }
    this.visit = undefined;
    this.awaiting = undefined;
  }

  private startVisit(): Visit {
    this.decided = false;
    if (this.planner.nextKind() === "read") return { kind: "read", path: this.planner.readPath() };
    // Each purchase starts with an empty cart: a cart left over from a broken visit would be bought twice.
    this.jar = new CookieJar();
    this.tally.purchasesStarted += 1;
    return { kind: "purchase", visit: new PurchaseVisit(this.planner, this.now) };
  }

  private unanswered(step: Step): void {
    this.awaiting = undefined;
    const visit = this.visit;
    this.visit = undefined;
    if (!visit) return;
    this.tally.problem(`${step.name}: no answer`, false);
    if (visit.kind === "read") this.tally.catalogReads.failed += 1;
    else if (!this.decided) this.tally.purchaseEnded(visit.visit.paying ? "outcomeUnknown" : "failed");
  }
}
