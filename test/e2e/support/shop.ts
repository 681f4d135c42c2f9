// The shop the stories drive: their own, started by startTestShop as today, or the one externalTarget names.
import pg from "pg";
import type { Platform, PlatformOptions } from "../../../scripts/lib/platform.js";
import { startTestShop } from "../../shop/support/shop.js";
import { type ExternalTarget, externalTarget } from "./external-target.js";

/** What a story needs of the shop besides its pages. */
export interface E2eShop {
  readonly urls: Platform["urls"];
  /** Sets a product's stock in api's own database, behind the api. */
  setStock(sku: string, stock: number): Promise<void>;
  /**
   * What went wrong on the server side so far: the services' error log lines for a shop of our own; for an external
   * one, whose logs are out of reach, every 5xx answer its services counted on /metrics.
   */
  serverErrors(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * A shop of the story's own with `env` (see E2E_SERVICE_ENV), or the external target, whose services were started
 * with E2E_SERVICE_ENV.
 */
export async function e2eShop(env: PlatformOptions["env"] = {}): Promise<E2eShop> {
  const target = externalTarget();
  if (target) return externalShop(target);
  const shop = await startTestShop(env);
  return {
    urls: shop.urls,
    async setStock(sku, stock) {
      await shop.sql("api", "UPDATE products SET stock = $2 WHERE sku = $1", [sku, stock]);
    },
    async serverErrors() {
      return (await shop.logs()).split("\n").filter((line) => /"level":5\d/.test(line));
    },
    stop: () => shop.stop(),
  };
}

function externalShop(target: ExternalTarget): E2eShop {
  const api = new pg.Pool({ connectionString: target.apiDatabaseUrl, max: 1 });
  return {
    urls: target.urls,
    async setStock(sku, stock) {
      await api.query("UPDATE products SET stock = $2 WHERE sku = $1", [sku, stock]);
    },
    async serverErrors() {
      const answers = await Promise.all(Object.values(target.urls).map((url) => serverErrorAnswers(url)));
      return answers.flat();
    },
    stop: () => api.end(),
  };
}

/** `http_request_duration_seconds_count` series of a service with a 5xx status and a count above zero. */
async function serverErrorAnswers(serviceUrl: string): Promise<string[]> {
  const response = await fetch(`${serviceUrl}/metrics`, { signal: AbortSignal.timeout(15_000) });
  if (!response.ok) throw new Error(`GET ${serviceUrl}/metrics answered ${response.status}`);
  return (await response.text())
    .split("\n")
    .filter((line) => /^http_request_duration_seconds_count\{[^}]*status_code="5\d\d"[^}]*\} [1-9]/.test(line));
}
