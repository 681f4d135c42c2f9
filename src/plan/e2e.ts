// Engine-free: how the e2e step hands the shop to the real-browser suite (test/e2e), which runs in a container with
// Debian's Chromium against the integration services bound there.

/** The suite's vitest config, relative to the repository root (the container's workdir). */
export const E2E_CONFIG = "test/e2e/vitest.config.ts";

/** Where the suite's journal saves a screenshot of every step, relative to the repository root. */
export const E2E_SCREENSHOT_DIR = ".tmp/e2e";

/** Debian packages the browser needs: Chromium, and fonts so that screenshots show text. */
export const BROWSER_PACKAGES = ["chromium", "fonts-liberation", "fonts-dejavu-core"] as const;

/** The services the suite drives. */
export type E2eTarget = "storefront" | "api" | "checkout" | "payments";

/** Environment variables that point the suite at a running shop instead of starting one (see test/e2e/support). */
export const E2E_URL_VARIABLES: Readonly<Record<E2eTarget, string>> = {
  storefront: "E2E_STOREFRONT_URL",
  api: "E2E_API_URL",
  checkout: "E2E_CHECKOUT_URL",
  payments: "E2E_PAYMENTS_URL",
};

/** api's database, where the sold-out story leaves one unit of a product, as a shopper elsewhere bought the rest. */
export const E2E_API_DATABASE_VARIABLE = "E2E_API_DATABASE_URL";

/**
 * Service settings the suite's stories need. The double-click story pays with the slow sandbox card, answered after
 * 2 s so a second click lands while the first is in flight, within checkout's payment timeout; the other stories
 * never use that card, so one shop started with these serves them all.
 */
export const E2E_SERVICE_ENV: Readonly<Record<E2eTarget, Readonly<Record<string, string>>>> = {
  storefront: {},
  api: {},
  checkout: { PAYMENT_TIMEOUT_MS: "10000" },
  payments: { SANDBOX_SLOW_MS: "2000" },
};
