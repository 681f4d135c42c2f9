import { describe, expect, it } from "vitest";
import { imageReference, selectServices } from "../../../src/plan/plan.js";
import { repoPlans as plansOfThisRepo } from "../this-repo.js";

describe("service plans from pipeline.yaml and the workspaces", () => {
  it("plans the four shop services with their workspaces, build order, ports and image names", async () => {
    const plans = await plansOfThisRepo();
    expect(plans.map((p) => [p.name, p.workspace, p.port, p.image])).toEqual([
      ["storefront", "services/storefront", 3000, "127.0.0.1:5000/shop/storefront"],
      ["api", "services/api", 3001, "127.0.0.1:5000/shop/api"],
      ["checkout", "services/checkout", 3002, "127.0.0.1:5000/shop/checkout"],
      ["payments", "services/payments", 3003, "127.0.0.1:5000/shop/payments"],
    ]);
    expect(plans.find((p) => p.name === "api")?.order).toEqual([
      "packages/service-kit",
      "packages/shop-contracts",
      "services/api",
    ]);
    expect(plans.find((p) => p.name === "checkout")?.calls).toEqual(["api", "payments"]);
  });

  it("selects all services, or one by name; an unknown name lists the declared ones", async () => {
    const plans = await plansOfThisRepo();
    expect(selectServices(plans).length).toBe(4);
    expect(selectServices(plans, "payments").map((p) => p.name)).toEqual(["payments"]);
    expect(() => selectServices(plans, "cart")).toThrow(
      'unknown service "cart" (pipeline.yaml declares: storefront, api, checkout, payments)',
    );
  });

  it("writes image references with a checked tag", () => {
    expect(imageReference("127.0.0.1:5000/shop/api", "1.2.3")).toBe("127.0.0.1:5000/shop/api:1.2.3");
    expect(() => imageReference("127.0.0.1:5000/shop/api", "-bad")).toThrow(/invalid image tag "-bad"/);
    expect(() => imageReference("127.0.0.1:5000/shop/api", "a/b")).toThrow(/invalid image tag/);
  });
});
