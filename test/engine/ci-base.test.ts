// ci --base after a one-line change in one service: lint and typecheck cover everything, but only that service is
// tested and built (integration still starts every image).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { EcommerceDelivery } from "../../src/index.js";
import { hostGit, hostSource, withDagger } from "./support/dagger.js";
import { cloneRepository, writeInClone } from "./support/repo-copy.js";

test("a one-line change in payments: ci --base=HEAD tests and builds payments only", async () => {
  const clone = cloneRepository();
  try {
    const file = "services/payments/src/metrics.ts";
    writeInClone(clone, file, `${readFileSync(join(clone.dir, file), "utf8")}// tier 3: a one-line change\n`);
    const summary = await withDagger(import.meta.filename, () =>
      new EcommerceDelivery(hostSource(clone.dir)).ci("HEAD", hostGit(clone.dir)),
    );
    expect(summary).toMatch(/payments/);
    expect(summary).toMatch(/^test payments\s+ok/m);
    expect(summary).not.toMatch(/^test (api|checkout|storefront)\s/m);
    expect(summary).toMatch(/^build\s+ok\s+\S+\s+1 image: payments$/m);
    expect(summary).toMatch(/^ci: passed/m);
  } finally {
    clone.remove();
  }
});
