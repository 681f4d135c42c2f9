import { describe, expect, it } from "vitest";
import { cacheCatalogPages } from "../src/catalog-cache.js";

function countingSource() {
  let calls = 0;
  let fail = false;
  return {
    source: {
      async list(page: { limit: number; offset: number; q?: string }) {
        calls += 1;
        if (fail) throw new Error("database down");
        return { calls, page };
      },
    },
    calls: () => calls,
    failNext: (value: boolean) => {
      fail = value;
    },
  };
}

describe("catalog page cache", () => {
  it("serves a page from memory until it expires, and shares one query among concurrent requests", async () => {
    let clock = 0;
    const counting = countingSource();
    const pages = cacheCatalogPages(counting.source, { ttlMs: 1000, maxEntries: 10, now: () => clock });
    await Promise.all(Array.from({ length: 20 }, () => pages.list({ limit: 20, offset: 0 })));
    expect(counting.calls()).toBe(1);
    await pages.list({ limit: 20, offset: 20 });
    expect(counting.calls()).toBe(2);
    clock = 999;
    await pages.list({ limit: 20, offset: 0 });
    expect(counting.calls()).toBe(2);
    clock = 1001;
    await pages.list({ limit: 20, offset: 0 });
    expect(counting.calls()).toBe(3);
  });

  it("forgets every page when told the stock changed, before the ttl runs out", async () => {
    const counting = countingSource();
    const pages = cacheCatalogPages(counting.source, { ttlMs: 60_000, maxEntries: 10, now: () => 0 });
    await pages.list({ limit: 20, offset: 0 });
    await pages.list({ limit: 20, offset: 0 });
    expect(counting.calls()).toBe(1);
    pages.invalidate();
    await pages.list({ limit: 20, offset: 0 });
    expect(counting.calls()).toBe(2);
  });

  it("does not remember a failed query, keeps at most maxEntries pages, and is off with a zero ttl", async () => {
    const counting = countingSource();
    const pages = cacheCatalogPages(counting.source, { ttlMs: 1000, maxEntries: 2 });
    counting.failNext(true);
    await expect(pages.list({ limit: 1, offset: 0 })).rejects.toThrow("database down");
    counting.failNext(false);
    await expect(pages.list({ limit: 1, offset: 0 })).resolves.toMatchObject({ calls: 2 });
    await pages.list({ limit: 1, offset: 1 });
    await pages.list({ limit: 1, offset: 2 });
    await pages.list({ limit: 1, offset: 0 });
    expect(counting.calls()).toBe(5);

    const uncached = countingSource();
    const direct = cacheCatalogPages(uncached.source, { ttlMs: 0, maxEntries: 2 });
    await direct.list({ limit: 1, offset: 0 });
    await direct.list({ limit: 1, offset: 0 });
    expect(uncached.calls()).toBe(2);
  });
});
