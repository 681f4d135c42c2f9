// Which visit each shopper makes next and what it looks at, shared by all shoppers of one load so the mix and the
// rotation over products hold for the load as a whole, not per connection.

/** Weights of the two kinds of visit. */
export interface VisitMix {
  readonly catalogReads: number;
  readonly purchases: number;
}

export type VisitKind = "read" | "purchase";

/** Hands out visits in the configured proportion, deterministically (no randomness to make a run unrepeatable). */
export class VisitPlanner {
  private visits = 0;
  private reads = 0;
  private picks = 0;
  private skus: readonly string[] = [];

  constructor(private readonly mix: VisitMix) {}

  /** The kind of the next visit: purchases spread evenly, e.g. every fourth visit for { 3, 1 }. */
  nextKind(): VisitKind {
    const total = this.mix.catalogReads + this.mix.purchases;
    const n = this.visits++;
    const purchasesSoFar = Math.floor((n * this.mix.purchases) / total);
    const purchasesAfter = Math.floor(((n + 1) * this.mix.purchases) / total);
    return purchasesAfter > purchasesSoFar ? "purchase" : "read";
  }

  /** Remembers the products a catalog page listed, so reads can look at product pages too. */
  learn(skus: readonly string[]): void {
    if (skus.length > 0) this.skus = skus;
  }

  /** The page a catalog read fetches: the product list and each known product page in turn. */
  readPath(): string {
    const turn = this.reads++ % (this.skus.length + 1);
    const sku = this.skus[turn - 1];
    return sku === undefined ? "/" : `/products/${encodeURIComponent(sku)}`;
  }

  /** The product a purchase buys: the in-stock products in turn, so one product is not emptied first. */
  pick(inStock: readonly string[]): string | undefined {
    if (inStock.length === 0) return undefined;
    return inStock[this.picks++ % inStock.length];
  }
}
