/** What a cache of catalog pages needs from the repository. */
export interface CatalogPageSource<Page> {
  list(page: { limit: number; offset: number; q?: string | undefined }): Promise<Page>;
}

/**
 * Keeps each catalog page for `ttlMs`, and lets concurrent requests for the same page share one query.
 * Listing pages may show stock up to `ttlMs` old; a product page and every reservation read the table itself.
 */
export function cacheCatalogPages<Page>(
  source: CatalogPageSource<Page>,
  options: { ttlMs: number; maxEntries: number; now?: () => number },
): CatalogPageSource<Page> {
  if (options.ttlMs <= 0) return source;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { expires: number; page: Promise<Page> }>();
  return {
    list(page) {
      const key = JSON.stringify([page.limit, page.offset, page.q ?? null]);
      const cached = entries.get(key);
      if (cached && cached.expires > now()) return cached.page;
      if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value as string);
      const fresh = source.list(page);
      entries.set(key, { expires: now() + options.ttlMs, page: fresh });
      // A failed query is not remembered: the next request asks the database again.
      fresh.catch(() => entries.delete(key));
      return fresh;
    },
  };
}
