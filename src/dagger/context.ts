// What every function of the root module starts from: the settings given on the command line, pipeline.yaml and
// the workspace manifests read from the source directory (once per call), and the toolchain built from them.
import type { Directory, File } from "@dagger.io/dagger";
import {
  installFiles,
  type Lockfile,
  type NodeToolchain,
  nodeToolchain,
  readLockfile,
  readWorkspaces,
  type Workspace,
} from "../../modules/node-service/src/lib.js";
import { type PipelineConfig, parsePipelineConfig } from "../config/index.js";
import { PIPELINE_FILE, type ServicePlan, servicePlans } from "../plan/plan.js";

/** What the caller chose: the source and how to build it. */
export interface DeliverySettings {
  readonly source: Directory;
  readonly nodeVersion: string;
  readonly npmCache: string;
  /** Name of the cache volume that keeps tsc's incremental state between typecheck runs (see typecheckContainer). */
  readonly tscCache?: string;
  /** Commit being built; labels the images and is the default tag. */
  readonly revision: string;
  /** Repository URL written into the images' labels. */
  readonly sourceUrl: string;
  /** Extra CA certificates (PEM) every build stage trusts, for a registry behind a TLS-inspecting proxy. */
  readonly caCertificates?: File;
}

/** Everything read from the source: plain data, so that a child object can carry it as JSON (see LoadedSource). */
export interface LoadedSource {
  /** pipeline.yaml, validated. */
  readonly config: PipelineConfig;
  readonly workspaces: readonly Workspace[];
  readonly lockfile: Lockfile;
  /** Files copied before `npm ci` (see installManifestPaths). */
  readonly manifests: readonly string[];
}

/** The settings plus everything read from the source. */
export interface Delivery extends LoadedSource {
  readonly settings: DeliverySettings;
  readonly plans: readonly ServicePlan[];
  readonly toolchain: NodeToolchain;
}

/** Reads pipeline.yaml (errors name file, line and field) and the workspace manifests, in parallel. */
export async function readSource(source: Directory): Promise<LoadedSource> {
  const [configText, { workspaces }, lockfile] = await Promise.all([
    source.file(PIPELINE_FILE).contents(),
    readWorkspaces(source),
    readLockfile(source),
  ]);
  const config = parsePipelineConfig(configText, PIPELINE_FILE);
  return { config, workspaces, lockfile, manifests: await installFiles(source, workspaces) };
}

/** The Delivery of what readSource read, without reading anything again. */
export function deliveryOf(settings: DeliverySettings, loaded: LoadedSource): Delivery {
  return {
    ...loaded,
    settings,
    plans: servicePlans(loaded.config, loaded.workspaces),
    toolchain: nodeToolchain(settings.nodeVersion, settings.npmCache, settings.caCertificates),
  };
}

/** readSource then deliveryOf: what a root function does first, once per call. */
export async function loadDelivery(settings: DeliverySettings): Promise<Delivery> {
  return deliveryOf(settings, await readSource(settings.source));
}

/** The part of a Delivery a child object carries between calls (see ShopService.loaded). */
export function loadedSource({ config, workspaces, lockfile, manifests }: Delivery): LoadedSource {
  return { config, workspaces, lockfile, manifests };
}
