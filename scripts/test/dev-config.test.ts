import { describe, expect, it } from "vitest";
import { devConfig } from "../lib/dev-config.js";

describe("devConfig", () => {
  it("runs on 3000–3003 and PostgreSQL's 54329 with data in the clone's .data by default", () => {
    expect(devConfig({}, "/clone")).toEqual({
      postgresPort: 54329,
      ports: { storefront: 3000, api: 3001, checkout: 3002, payments: 3003 },
      dataDir: "/clone/.data",
    });
  });

  it("moves every port with DEV_PORT_BASE and resolves DEV_DATA_DIR", () => {
    const config = devConfig({ DEV_PORT_BASE: "4100", POSTGRES_PORT: "6000", DEV_DATA_DIR: "/tmp/shop" }, "/clone");
    expect(config.ports).toEqual({ storefront: 4100, api: 4101, checkout: 4102, payments: 4103 });
    expect(config.postgresPort).toBe(6000);
    expect(config.dataDir).toBe("/tmp/shop");
  });

  it("refuses a bad value naming the variable", () => {
    expect(() => devConfig({ DEV_PORT_BASE: "65534" }, "/clone")).toThrow(/^npm run dev: DEV_PORT_BASE: /);
    expect(() => devConfig({ POSTGRES_PORT: "port" }, "/clone")).toThrow(/^npm run dev: POSTGRES_PORT: /);
  });
});
