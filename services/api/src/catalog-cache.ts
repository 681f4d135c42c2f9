/** What a cache of catalog pages needs from the repository. */
export interface CatalogPageSource<Page> {
  list(page: { limit: number; offset: number; q?: string | undefined }): Promise<Page>;
}

/** A page cache that can be told the stock changed. */
export interface CatalogPageCache<Page> extends CatalogPageSource<Page> {
  /** Forgets every page (stock changed); requests already waiting for a query keep its answer. */
  invalidate(): void;
}

/**
 * Keeps each catalog page until this process changes stock (`invalidate`) or `ttlMs` passes, and lets concurrent
 * requests for the same page share one query. The ttl bounds how old a page may be after a change made elsewhere
 * (another replica, an operator's SQL); a product page and every reservation read the table itself.
 */
export function cacheCatalogPages<Page>(
  source: CatalogPageSource<Page>,
  options: { ttlMs: number; maxEntries: number; now?: () => number },
): CatalogPageCache<Page> {
  if (options.ttlMs <= 0) return { list: (page) => source.list(page), invalidate: () => undefined };
  const now = options.now ?? Date.now;
  const entries = new Map<string, { expires: number; page: Promise<Page> }>();
  return {
    invalidate: () => entries.clear(),
    list(page) {
      const key = JSON.stringify([page.limit, page.offset, page.q ?? null]);
      const cached = entries.get(key);
      if (cached && cached.expires > now()) return cached.page;
      if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value as string);
      const fresh = source.list(page);
      const entry = { expires: now() + options.ttlMs, page: fresh };
      entries.set(key, entry);
      // A failed query is not remembered: the next request asks the database again.
      fresh.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      return fresh;
    },
  };
}
