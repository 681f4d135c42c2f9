// A shop service's production image without an engine: the layout productionImage makes in Dagger, replayed with the
// same functions on plain directories. The host builds the workspaces (the build context's order); a staging
// directory gets the context's manifests, `npm ci --omit=dev` for the service, the unreachable packages removed and
// each workspace's build output minus the runtime excludes; that tree is one layer on node:<major>-bookworm-slim.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  APP_DIR,
  buildCommand,
  imageLabels,
  type Lockfile,
  productionInstallCommand,
  runtimeWorkspaceOrder,
  unreachablePackages,
  type Workspace,
  workspaceMetadata,
} from "../../../modules/node-service/src/lib.js";
import { DEFAULT_RUNTIME_EXCLUDE } from "../../../modules/node-service/src/workspaces.js";
import { imageReference, SERVICE_ENTRYPOINT, type ServicePlan, serviceBuildContext } from "../../../src/plan/plan.js";
import { run } from "../../cluster/src/exec.js";
import { formatDuration, type Logger } from "../../cluster/src/log.js";
import { REPO_ROOT } from "../../unit/this-repo.js";
import { contentKey, hashTree } from "./content-key.js";
import { findDigest, type ImageConfig, type PushedImage, pushLayer, tarLayer } from "./registry-image.js";

/** The label that carries a pod image's content key (its tag says the same; the label survives retagging). */
export const POD_IMAGE_KEY_LABEL = "org.ecommerce-delivery.pod-image.key";

/** What every image build shares: crane, the base image pinned by digest, a scratch directory. */
export interface ImageBuild {
  readonly crane: string;
  /** `<registry>/library/node:<major>-bookworm-slim@sha256:…`. */
  readonly base: string;
  /** Staging trees and layer tars go here, one subdirectory per image. */
  readonly workDir: string;
  readonly logger: Logger;
}

/** One service to build, as the Dagger pipeline sees it. */
export interface ServiceSource {
  readonly plan: ServicePlan;
  readonly workspaces: readonly Workspace[];
  readonly lockfile: Lockfile;
}

/**
 * Runs each workspace's build script on the host once (buildCommand, as compiledWorkspace runs it over a context's
 * order), each as soon as the local workspaces it needs at run time are built, the others in parallel.
 */
export async function buildWorkspaces(
  plans: readonly ServicePlan[],
  workspaces: readonly Workspace[],
  logger: Logger,
): Promise<void> {
  const started = Date.now();
  const builds = new Map<string, Promise<void>>();
  const build = (workspace: string): Promise<void> => {
    let done = builds.get(workspace);
    if (!done) {
      const needs = runtimeWorkspaceOrder(workspaces, workspace).slice(0, -1).map(build);
      const [command, ...args] = buildCommand(workspace) as [string, ...string[]];
      done = Promise.all(needs).then(async () => {
        await run(command, args, { cwd: REPO_ROOT, timeoutMs: 300_000 });
      });
      builds.set(workspace, done);
    }
    return done;
  };
  await Promise.all(plans.flatMap((plan) => plan.order.map(build)));
  logger.info(
    `pod images: built ${[...builds.keys()].join(", ")} on the host (${formatDuration(Date.now() - started)})`,
  );
}

/** The service's image, `<plan.image>:<content key>`: found in the registry, or staged and pushed. */
export async function ensureServiceImage(build: ImageBuild, source: ServiceSource): Promise<PushedImage> {
  const { plan } = source;
  const context = serviceBuildContext(plan);
  const manifests = context.manifests.filter((path) => existsSync(join(REPO_ROOT, path)));
  const outputs = (await Promise.all(context.order.map(runtimeFiles))).flat();
  const config = serviceImageConfig(source);
  const inputs = createHash("sha256");
  for (const path of [...manifests, ...outputs]) await hashTree(inputs, REPO_ROOT, join(REPO_ROOT, path));
  const key = await contentKey(build.base, JSON.stringify(config), inputs.digest("hex"));
  const reference = imageReference(plan.image, key);
  const found = await findDigest(build.crane, reference);
  if (found) return { reference, digest: found };

  const started = Date.now();
  const stage = join(build.workDir, plan.name);
  const app = join(stage, APP_DIR);
  await rm(stage, { recursive: true, force: true });
  await Promise.all(manifests.map((path) => copyInto(app, path)));
  const [command, ...args] = productionInstallCommand(plan.workspace) as [string, ...string[]];
  await run(command, args, { cwd: app, env: { npm_config_update_notifier: "false" }, timeoutMs: 600_000 });
  const unreachable = unreachablePackages(source.lockfile, context.order);
  await Promise.all(unreachable.map((path) => rm(join(app, path), { recursive: true, force: true })));
  await Promise.all(outputs.map((path) => copyInto(app, path)));
  const layer = `${stage}.tar`;
  await tarLayer(stage, [APP_DIR.slice(1)], layer);
  const pushed = await pushLayer(
    build.crane,
    layer,
    reference,
    { ...config, labels: { ...config.labels, [POD_IMAGE_KEY_LABEL]: key } },
    build.base,
  );
  await rm(stage, { recursive: true, force: true });
  build.logger.info(`pod images: pushed ${reference} (${formatDuration(Date.now() - started)})`);
  return pushed;
}

/** The config productionImage gives the service (the Docker healthcheck aside: a kubelet runs its own probes). */
export function serviceImageConfig({ plan, workspaces }: ServiceSource): ImageConfig {
  const workspace = workspaces.find((w) => w.path === plan.workspace);
  if (!workspace) throw new Error(`${plan.name}: ${plan.workspace} is not a workspace`);
  return {
    labels: imageLabels(workspaceMetadata(workspace, plan.port, plan.healthPath)),
    env: { NODE_ENV: "production", HOST: "0.0.0.0", PORT: String(plan.port) },
    user: "node",
    workdir: APP_DIR,
    exposedPorts: [`${plan.port}/tcp`],
    entrypoint: ["node", `${plan.workspace}/${SERVICE_ENTRYPOINT}`],
  };
}

/** The top-level entries of a built workspace that go into the image (all but DEFAULT_RUNTIME_EXCLUDE). */
async function runtimeFiles(workspace: string): Promise<string[]> {
  const excluded = DEFAULT_RUNTIME_EXCLUDE.map(
    (pattern) => new RegExp(`^${pattern.replace(/[.]/g, "\\.").replace(/\*/g, ".*")}$`),
  );
  const entries = await readdir(join(REPO_ROOT, workspace));
  return entries
    .filter((name) => !excluded.some((pattern) => pattern.test(name)))
    .map((name) => `${workspace}/${name}`);
}

/** Copies `path` of the repository to the same path under `dir`, without any nested node_modules. */
async function copyInto(dir: string, path: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await cp(join(REPO_ROOT, path), join(dir, path), {
    recursive: true,
    verbatimSymlinks: true,
    filter: (from) => !from.split("/").includes("node_modules"),
  });
}
