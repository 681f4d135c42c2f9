// Engine-free: how the integration step hands the shop to its smoke flow (test/integration/smoke.ts), which runs in
// the development container against the services bound there.

/** The smoke flow, relative to the repository root (the development container's workdir); run with tsx. */
export const SMOKE_SCRIPT = "test/integration/smoke.ts";

/** Where the smoke flow finds the shop. */
export interface ShopUrls {
  readonly storefront: string;
  readonly api: string;
  readonly checkout: string;
}

/** Environment variable that carries each URL into the smoke container. */
export const SMOKE_URL_VARIABLES: Readonly<Record<keyof ShopUrls, string>> = {
  storefront: "SMOKE_STOREFRONT_URL",
  api: "SMOKE_API_URL",
  checkout: "SMOKE_CHECKOUT_URL",
};
