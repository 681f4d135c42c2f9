// test(service) runs that service's own suite in a container; integration() buys, repeats and declines through
// PostgreSQL and every production image started as Dagger services.
import { stripVTControlCharacters } from "node:util";
import { expect, test } from "vitest";
import { EcommerceDelivery } from "../../src/index.js";
import { hostSource, withDagger } from "./support/dagger.js";

test("test --service=payments runs the payments suite and only it", async () => {
  // The suites run with CI=true, so vitest colours its output.
  const output = stripVTControlCharacters(
    await withDagger(import.meta.filename, () => new EcommerceDelivery(hostSource()).test("payments")),
  );
  expect(output).toMatch(/^── payments ──/);
  expect(output).not.toMatch(/── (api|checkout|storefront) ──/);
  expect(output).toMatch(/payment-idempotency\.test\.ts/);
  expect(output).toMatch(/Test Files\s+\d+ passed/);
  expect(output).not.toMatch(/\bfailed\b/);
});

test("service(checkout).test() runs the checkout suite through the chained object", async () => {
  const output = stripVTControlCharacters(
    await withDagger(import.meta.filename, async () =>
      (await new EcommerceDelivery(hostSource()).service("checkout")).test(),
    ),
  );
  expect(output).toMatch(/places-a-paid-order\.test\.ts/);
  expect(output).toMatch(/Tests\s+\d+ passed/);
});

test("integration passes every smoke check against the production images", async () => {
  const report = await withDagger(import.meta.filename, () => new EcommerceDelivery(hostSource()).integration());
  expect(report).toMatch(/^smoke: \d+ checks passed$/m);
  expect(report).not.toMatch(/^FAIL/m);
});
