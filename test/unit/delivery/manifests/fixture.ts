import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type PipelineConfig, parsePipelineConfig } from "../../../../src/config/index.js";
import type { ReleaseInput } from "../../../../src/delivery/manifests/index.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** The repository's own pipeline.yaml. */
export const config: PipelineConfig = parsePipelineConfig(
  readFileSync(`${repoRoot}pipeline.yaml`, "utf8"),
  "pipeline.yaml",
);

/** A fixed, made-up digest per service so snapshots are stable. */
export const digestOf = (service: string, salt = "v1") =>
  `sha256:${createHash("sha256").update(`${service}/${salt}`).digest("hex")}`;

/** A valid release of every service in pipeline.yaml. */
export function release(overrides: Record<string, string> = {}): ReleaseInput {
  const images = Object.fromEntries(
    Object.keys(config.services).map((s) => [s, `127.0.0.1:5000/shop/${s}:v1@${digestOf(s)}`]),
  );
  return { images: { ...images, ...overrides }, revision: "42", gitSha: "0123456789abcdef0123456789abcdef01234567" };
}
