import { describe, expect, it } from "vitest";
import type { ServicePlan } from "../../../src/plan/plan.js";
import {
  databaseInitSql,
  integrationDatabases,
  integrationSecretValue,
  integrationWiring,
  startOrder,
  urlVariable,
} from "../../../src/plan/wiring.js";

const plan = (name: string, port: number, extra: Partial<ServicePlan> = {}): ServicePlan => ({
  name,
  workspace: `services/${name}`,
  order: [`services/${name}`],
  port,
  healthPath: "/healthz",
  readinessPath: "/readyz",
  calls: [],
  database: false,
  env: {},
  secrets: [],
  image: `r/shop/${name}`,
  ...extra,
});

// The shop as pipeline.yaml declares it (the plan test proves the real file gives these plans).
const SHOP = [
  plan("storefront", 3000, {
    calls: ["api", "checkout"],
    secrets: ["COOKIE_SECRET"],
    env: { API_URL: "http://x", LOG_LEVEL: "info" },
  }),
  plan("api", 3001, { database: true, secrets: ["DATABASE_URL"] }),
  plan("checkout", 3002, {
    calls: ["api", "payments"],
    database: true,
    secrets: ["DATABASE_URL", "FINGERPRINT_SECRET"],
  }),
  plan("payments", 3003, { database: true, secrets: ["DATABASE_URL", "FINGERPRINT_SECRET"] }),
];

describe("integration wiring", () => {
  it("points each service at the services it calls by binding name and port, listening on every interface", () => {
    const wiring = integrationWiring(SHOP, "pw");
    expect(wiring.storefront?.env).toEqual({
      API_URL: "http://api:3001",
      CHECKOUT_URL: "http://checkout:3002",
      LOG_LEVEL: "info",
      HOST: "0.0.0.0",
      PORT: "3000",
    });
    expect(wiring.storefront?.bindings).toEqual(["api", "checkout"]);
    expect(wiring.checkout?.bindings).toEqual(["postgres", "api", "payments"]);
    expect(wiring.payments?.bindings).toEqual(["postgres"]);
  });

  it("gives each service that owns data its own database on the postgres binding, as a secret", () => {
    const wiring = integrationWiring(SHOP, "p@ss");
    expect(wiring.api?.secrets).toEqual({ DATABASE_URL: "postgres://postgres:p%40ss@postgres:5432/shop_api" });
    expect(wiring.checkout?.secrets.DATABASE_URL).toBe("postgres://postgres:p%40ss@postgres:5432/shop_checkout");
    expect(wiring.checkout?.env).not.toHaveProperty("DATABASE_URL");
  });

  it("fills other secrets with throwaway values long enough for the services' rules", () => {
    const wiring = integrationWiring(SHOP, "pw");
    expect(wiring.storefront?.secrets.COOKIE_SECRET).toBe(integrationSecretValue("COOKIE_SECRET"));
    expect(integrationSecretValue("COOKIE_SECRET").length).toBeGreaterThanOrEqual(32);
    expect(integrationSecretValue("FINGERPRINT_SECRET")).toMatch(/^integration-only-fingerprint-secret-not-a-real/);
  });

  it("creates one database per data-owning service: the first from POSTGRES_DB, the rest by init SQL", () => {
    const databases = integrationDatabases(SHOP);
    expect(databases).toEqual(["shop_api", "shop_checkout", "shop_payments"]);
    expect(databaseInitSql(databases)).toBe("CREATE DATABASE shop_checkout;\nCREATE DATABASE shop_payments;\n");
    expect(() => databaseInitSql(["a", "x; DROP"])).toThrow(/not a safe database name/);
  });

  it("refuses a call to a service outside the run, and orders services after those they call", () => {
    expect(() => integrationWiring([plan("web", 1, { calls: ["ghost"] })], "pw")).toThrow(
      "web calls ghost, which is not part of this integration run",
    );
    expect(startOrder(SHOP)).toEqual(["api", "payments", "checkout", "storefront"]);
    expect(urlVariable("order-history")).toBe("ORDER_HISTORY_URL");
  });
});
