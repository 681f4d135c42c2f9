import { createHash } from "node:crypto";
import {
  type EnvironmentName,
  environmentRegistry,
  imageName,
  isEnvironment,
  type PipelineConfig,
  unknownNameMessage,
} from "../../config/index.js";
import { ReleaseError } from "../errors.js";
import { isImageDigest } from "./labels.js";

/** What a caller hands in: an image reference pinned by digest for every service, and optional metadata. */
export interface ReleaseInput {
  /** service → `<host>/<repository>/<service>[:<tag>]@sha256:<64 hex>` */
  readonly images: Readonly<Record<string, string>>;
  /** Free-form revision label of the release, e.g. a CI build number. */
  readonly revision?: string;
  /** Commit the images were built from (7 to 40 lowercase hex). */
  readonly gitSha?: string;
}

/** One service's image, split into its parts. */
export interface ReleaseImage {
  /** The full reference as given, which is what the Deployment runs. */
  readonly reference: string;
  /** `<host>/<repository>/<service>` */
  readonly repository: string;
  readonly tag: string | undefined;
  /** `sha256:<64 hex>` */
  readonly digest: string;
}

/** A validated release. */
export interface Release {
  /** First 12 hex of a hash over the sorted `service@digest` pairs: the same digests give the same id in every environment. */
  readonly id: string;
  readonly images: Readonly<Record<string, ReleaseImage>>;
  readonly revision: string | undefined;
  readonly gitSha: string | undefined;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const GIT_SHA = /^[0-9a-f]{7,40}$/;

/** Whether `reference` is `<name>[:<tag>]@sha256:<64 hex>`: pinned by digest, as deploy and promote require. */
export function isPinnedReference(reference: string): boolean {
  const at = reference.indexOf("@");
  return at > 0 && !/[\s@]/.test(reference.slice(0, at)) && isImageDigest(reference.slice(at + 1));
}

/** Checks that `env` is an environment of the config; throws ReleaseError("unknown_environment") otherwise. */
export function assertEnvironment(config: PipelineConfig, env: string): asserts env is EnvironmentName {
  if (!isEnvironment(config, env)) {
    throw new ReleaseError(
      "unknown_environment",
      unknownNameMessage("environment", env, Object.keys(config.environments)),
    );
  }
}

/**
 * One `--image` value: `service=reference`, or a bare reference (as publish prints it), which is for the service its
 * repository ends with (`127.0.0.1:5000/shop/api:v1@sha256:…` → api). Undefined when neither names a service and an
 * image. Only splits: parseReleaseImages checks the reference.
 */
export function parseImagePair(pair: string): { service: string; image: string } | undefined {
  const at = pair.indexOf("=");
  const image = pair.slice(at + 1);
  const name = image.split("@")[0] ?? "";
  const service = at < 0 ? name.slice(name.lastIndexOf("/") + 1).split(":")[0] : pair.slice(0, at);
  return service && image ? { service, image } : undefined;
}

/**
 * Validates the images given for some services: each service declared, each image pinned by digest and in its
 * repository in the registry `env` pulls from (environmentRegistry: the environment's own `registry`, else
 * registry.host; without `env`, registry.host), which is where `publish --registry=<that registry>` pushes it.
 */
export function parseReleaseImages(
  config: PipelineConfig,
  images: Readonly<Record<string, string>>,
  env?: EnvironmentName,
): Record<string, ReleaseImage> {
  const registry = env === undefined ? config.registry.host : environmentRegistry(config, env);
  const declared = Object.keys(config.services);
  const parsed: Record<string, ReleaseImage> = {};
  for (const [service, reference] of Object.entries(images)) {
    if (!declared.includes(service)) {
      throw new ReleaseError(
        "unknown_service",
        `not declared in pipeline.yaml (services: ${declared.join(", ")})`,
        service,
      );
    }
    const pulls = env === undefined ? undefined : `${env} pulls from ${registry}`;
    parsed[service] = parseImage(service, reference, imageName(config.registry, service, registry), pulls);
  }
  return parsed;
}

/**
 * Validates a release against the config: every service present, no others, each image pinned by digest and in its
 * repository in the registry `env` pulls from (see parseReleaseImages).
 */
export function parseRelease(config: PipelineConfig, input: ReleaseInput, env?: EnvironmentName): Release {
  const declared = Object.keys(config.services);
  const given = parseReleaseImages(config, input.images, env);
  const images: Record<string, ReleaseImage> = {};
  for (const service of declared) {
    const image = given[service];
    if (image === undefined) {
      throw new ReleaseError(
        "missing_service",
        "has no image in the release (a release pins a digest for every service)",
        service,
      );
    }
    images[service] = image;
  }
  if (input.revision !== undefined && (input.revision.trim() === "" || input.revision.length > 253)) {
    throw new ReleaseError("invalid_metadata", "release revision must be 1 to 253 characters");
  }
  if (input.gitSha !== undefined && !GIT_SHA.test(input.gitSha)) {
    throw new ReleaseError("invalid_metadata", `git sha "${input.gitSha}" must be 7 to 40 lowercase hex characters`);
  }
  const pairs = declared
    .slice()
    .sort()
    .map((service) => `${service}@${images[service]?.digest}`)
    .join("\n");
  const id = createHash("sha256").update(pairs).digest("hex").slice(0, 12);
  return { id, images, revision: input.revision, gitSha: input.gitSha };
}

function parseImage(service: string, reference: string, expectedRepository: string, pulls?: string): ReleaseImage {
  const expected = `${expectedRepository}[:<tag>]@sha256:<64 hex>`;
  const at = reference.lastIndexOf("@");
  if (at < 0) {
    throw new ReleaseError(
      "malformed_digest",
      `image "${reference}" is not pinned by digest (expected ${expected})`,
      service,
    );
  }
  const name = reference.slice(0, at);
  const digest = reference.slice(at + 1);
  if (!isImageDigest(digest)) {
    throw new ReleaseError(
      "malformed_digest",
      `image "${reference}" has malformed digest "${digest}" (expected sha256: and 64 lowercase hex characters)`,
      service,
    );
  }
  // A tag can only follow the last path component: the registry host itself may carry a ":port".
  const slash = name.lastIndexOf("/");
  const colon = name.indexOf(":", slash + 1);
  const repository = colon < 0 ? name : name.slice(0, colon);
  const tag = colon < 0 ? undefined : name.slice(colon + 1);
  if (tag !== undefined && !TAG.test(tag)) {
    throw new ReleaseError("malformed_image", `image "${reference}" has malformed tag "${tag}"`, service);
  }
  if (repository !== expectedRepository) {
    throw new ReleaseError(
      "wrong_repository",
      `image "${reference}" is not from ${expectedRepository} (expected ${expected}${pulls ? `; ${pulls}` : ""})`,
      service,
    );
  }
  return { reference, repository, tag, digest };
}
