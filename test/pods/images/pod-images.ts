// Every image the pods tier runs, built without Docker or an engine and pushed to the local registry the real node
// pulls from: the shop's four production images, defect builds of checkout, postgres and the sandbox image.
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Lockfile, nodeImage } from "../../../modules/node-service/src/lib.js";
import { PROMETHEUS_IMAGE } from "../../../src/plan/perf-gate.js";
import { ClusterError } from "../../cluster/src/errors.js";
import { formatDuration, type Logger } from "../../cluster/src/log.js";
import { stopProcess } from "../../cluster/src/processes.js";
import { defaultRealNodeConfig } from "../../cluster/src/real-node/config.js";
import { baseImages, ensureBaseImages } from "../../engine/src/base-images.js";
import { defaultEngineConfig, type EngineConfig } from "../../engine/src/config.js";
import { startRegistry } from "../../engine/src/registry.js";
import { ensureCrane, findProgram } from "../../engine/src/tools.js";
import { REPO_ROOT, repoPlans, repoWorkspaces } from "../../unit/this-repo.js";
import { CHECKOUT_DEFECTS, type CheckoutDefect, ensureDefectImage } from "./defect-images.js";
import { ensurePauseImage } from "./pause-image.js";
import { findDigest, type PushedImage, repositoryOf } from "./registry-image.js";
import { buildWorkspaces, ensureServiceImage, type ImageBuild } from "./service-image.js";

/** The shop's services, as pipeline.yaml names them. */
export const SHOP_SERVICES = ["storefront", "api", "checkout", "payments"] as const;
export type ShopService = (typeof SHOP_SERVICES)[number];

/** What ensurePodImages made (or found): references to give the pods. */
export interface PodImages {
  /** Each service's image, `<registry>/shop/<service>:<content key>`, and its digest (deploy `repo@digest`). */
  readonly shop: Readonly<Record<ShopService, PushedImage>>;
  /** The defect builds of checkout, by defect (images/defect-images.ts). */
  readonly defects: Readonly<Record<CheckoutDefect, PushedImage>>;
  /** `<registry>/library/node@sha256:…`: node:<major>-bookworm-slim, the services' base, for helper pods. */
  readonly node: string;
  /** `<registry>/library/postgres:17`. */
  readonly postgres: string;
  /** The sandbox image the real node's containerd pins. */
  readonly pause: string;
  /** Stops the registry if this call started it. */
  stop(): Promise<void>;
}

/** The engine's settings with a run directory of our own (engine:up empties its run directory). */
export function podImagesConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  return { ...defaultEngineConfig(env), runDir: env.POD_IMAGES_DIR || "/tmp/ecommerce-pod-images" };
}

/** Starts (or reuses) the registry and makes sure every pod image is in it; prints what it builds and how long. */
export async function ensurePodImages({ logger }: { readonly logger: Logger }): Promise<PodImages> {
  const started = Date.now();
  const config = podImagesConfig();
  const node = defaultRealNodeConfig();
  if (node.registry !== config.registry) {
    throw new ClusterError(
      "prerequisite",
      `the real node pulls from ${node.registry}, images go to ${config.registry}`,
    );
  }
  await mkdir(config.runDir, { recursive: true });
  const [crane, registryBin] = await Promise.all([
    ensureCrane(config.cacheDir, logger),
    findProgram("docker-registry"),
  ]);
  if (!registryBin)
    throw new ClusterError("prerequisite", "docker-registry is missing (apt-get install docker-registry)");
  const registry = await startRegistry(registryBin, config.registry, config, logger);
  const stop = async () => {
    if (registry) logger.info(`registry: ${await stopProcess(registry)}`);
  };
  try {
    const [plans, workspaces, lockfile] = await Promise.all([
      repoPlans(),
      repoWorkspaces(),
      readFile(join(REPO_ROOT, "package-lock.json"), "utf8").then((text) => JSON.parse(text) as Lockfile),
    ]);
    const foreign = plans.find((plan) => !plan.image.startsWith(`${config.registry}/`));
    if (foreign) throw new ClusterError("prerequisite", `pipeline.yaml puts ${foreign.name} at ${foreign.image}`);
    const workDir = join(config.runDir, "images");
    const [base] = await Promise.all([
      // The pods run no Prometheus image: their Prometheus is the cluster's own binary.
      ensureBaseImages(
        config,
        crane,
        logger,
        baseImages(config).filter((image) => image.name !== PROMETHEUS_IMAGE),
      ).then(() => pinnedBase(crane, config)),
      buildWorkspaces(plans, workspaces, logger),
    ]);
    const build: ImageBuild = { crane, base, workDir, logger };
    const [pause, ...images] = await Promise.all([
      ensurePauseImage(build, node.pauseImage),
      ...SHOP_SERVICES.map((name) => {
        const plan = plans.find((p) => p.name === name);
        if (!plan) throw new ClusterError("prerequisite", `pipeline.yaml has no service ${name}`);
        return ensureServiceImage(build, { plan, workspaces, lockfile });
      }),
    ]);
    const shop = Object.fromEntries(SHOP_SERVICES.map((name, i) => [name, images[i]])) as Record<
      ShopService,
      PushedImage
    >;
    const checkout = plans.find((p) => p.name === "checkout")?.workspace as string;
    const defectNames = Object.keys(CHECKOUT_DEFECTS) as CheckoutDefect[];
    const defectImages = await Promise.all(
      defectNames.map((defect) => ensureDefectImage(build, shop.checkout, checkout, defect)),
    );
    const defects = Object.fromEntries(defectNames.map((defect, i) => [defect, defectImages[i]])) as Record<
      CheckoutDefect,
      PushedImage
    >;
    logger.info(`pod images: ready (${formatDuration(Date.now() - started)})`);
    return { shop, defects, node: base, postgres: postgresReference(config), pause, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** node:<major>-bookworm-slim in the registry, pinned by digest so the content keys follow the base. */
async function pinnedBase(crane: string, config: EngineConfig): Promise<string> {
  const reference = `${config.registry}/library/${nodeImage(config.nodeMajor)}`;
  const digest = await findDigest(crane, reference);
  if (!digest) throw new ClusterError("start", `${reference} is not in the registry`);
  return `${repositoryOf(reference)}@${digest}`;
}

/** Where ensureBaseImages puts the postgres stand-in. */
function postgresReference(config: EngineConfig): string {
  const postgres = baseImages(config).find((image) => image.name.startsWith("postgres:"));
  if (!postgres) throw new ClusterError("prerequisite", "the base images have no postgres");
  return `${config.registry}/library/${postgres.name}`;
}
