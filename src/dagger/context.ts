// What every function of the root module starts from: the settings given on the command line, pipeline.yaml and
// the workspace manifests read from the source directory, and the toolchain built from them.
import type { Directory } from "@dagger.io/dagger";
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
  /** Commit being built; labels the images and is the default tag. */
  readonly revision: string;
  /** Repository URL written into the images' labels. */
  readonly sourceUrl: string;
}

/** The settings plus everything read from the source. */
export interface Delivery {
  readonly settings: DeliverySettings;
  /** pipeline.yaml, validated. */
  readonly config: PipelineConfig;
  readonly plans: readonly ServicePlan[];
  readonly workspaces: readonly Workspace[];
  readonly lockfile: Lockfile;
  /** Files copied before `npm ci` (see installManifestPaths). */
  readonly manifests: readonly string[];
  readonly toolchain: NodeToolchain;
}

/** Reads pipeline.yaml (errors name file, line and field) and the workspace manifests, in parallel. */
export async function loadDelivery(settings: DeliverySettings): Promise<Delivery> {
  const [configText, { workspaces }, lockfile] = await Promise.all([
    settings.source.file(PIPELINE_FILE).contents(),
    readWorkspaces(settings.source),
    readLockfile(settings.source),
  ]);
  const config = parsePipelineConfig(configText, PIPELINE_FILE);
  return {
    settings,
    config,
    plans: servicePlans(config, workspaces),
    workspaces,
    lockfile,
    manifests: await installFiles(settings.source, workspaces),
    toolchain: nodeToolchain(settings.nodeVersion, settings.npmCache),
  };
}
