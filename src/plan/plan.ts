// Engine-free: what the pipeline does for each service, from pipeline.yaml and the workspace manifests.
import {
  type BuildContext,
  buildContext,
  runtimeWorkspaceOrder,
  type Workspace,
} from "../../modules/node-service/src/lib.js";
import {
  declaredName,
  type EnvironmentName,
  environmentRegistry,
  imageName,
  type PipelineConfig,
  unknownNameMessage,
} from "../config/index.js";

/** Where pipeline.yaml lives in the repository. */
export const PIPELINE_FILE = "pipeline.yaml";
/** Every shop service is started by `node <workspace>/dist/server.js` (docs/services.md). */
export const SERVICE_ENTRYPOINT = "dist/server.js";
/** Root files a workspace's build reads besides the manifests: every tsconfig.build.json extends this one. */
export const SERVICE_BUILD_FILES = ["tsconfig.base.json"] as const;

/** Everything the Dagger functions need to know about one service. */
export interface ServicePlan {
  readonly name: string;
  /** Workspace directory, e.g. services/api. */
  readonly workspace: string;
  /** Local workspaces to build and ship, dependencies first and the service last. */
  readonly order: readonly string[];
  readonly port: number;
  readonly healthPath: string;
  readonly readinessPath: string;
  /** Services it calls (bound by name in integration). */
  readonly calls: readonly string[];
  /** Whether it owns a PostgreSQL database. */
  readonly database: boolean;
  /** Plain environment from pipeline.yaml. */
  readonly env: Readonly<Record<string, string>>;
  /** Names of the variables that come from secrets. */
  readonly secrets: readonly string[];
  /** Image name without tag: <registry host>/<repository>/<service>. */
  readonly image: string;
}

/** One plan per service of pipeline.yaml, in the file's order; throws if a service path is not a workspace. */
export function servicePlans(config: PipelineConfig, workspaces: readonly Workspace[]): ServicePlan[] {
  return Object.entries(config.services).map(([name, service]) => ({
    name,
    workspace: service.path.replace(/\/+$/, ""),
    order: runtimeWorkspaceOrder(workspaces, service.path),
    port: service.port,
    healthPath: service.healthPath,
    readinessPath: service.readinessPath,
    calls: service.calls,
    database: service.database,
    env: service.env,
    secrets: service.secrets,
    image: imageName(config.registry, name),
  }));
}

/** What the build of a service's image reads: its workspaces (plan.order), the root manifests, SERVICE_BUILD_FILES. */
export function serviceBuildContext(plan: Pick<ServicePlan, "order">): BuildContext {
  return buildContext(plan.order, SERVICE_BUILD_FILES);
}

/** The plans `name` selects: all of them when it is empty, else the one named (an unknown name lists the known). */
export function selectServices(plans: readonly ServicePlan[], name?: string): ServicePlan[] {
  if (!name) return [...plans];
  const plan = plans.find((p) => p.name === name);
  if (!plan)
    throw new Error(
      unknownNameMessage(
        "service",
        name,
        plans.map((p) => p.name),
      ),
    );
  return [plan];
}

/** `<image>:<tag>`, with the tag checked against the OCI rules so a bad tag fails before anything is pushed. */
export function imageReference(image: string, tag: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(tag)) {
    throw new Error(
      `invalid image tag "${tag}": letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-'`,
    );
  }
  return `${image}:${tag}`;
}

/** Where `publish` pushes: what `--registry` names, else what `--env` pulls from, else pipeline.yaml's registry.host. */
export interface PublishTarget {
  readonly registry?: string;
  readonly env?: string;
}

/**
 * The registry (host and optional path prefix) publish pushes to, the same one deploy's image check expects for
 * that environment (environmentRegistry), so that `publish --env=staging` then `env --name=staging deploy` is one
 * path. `--registry` with `--env` must name the registry that environment pulls from.
 */
export function publishRegistry(config: PipelineConfig, target: PublishTarget): string {
  const registry = target.registry?.replace(/\/+$/, "");
  if (!target.env) return registry || config.registry.host;
  declaredName("environment", target.env, Object.keys(config.environments));
  const pulls = environmentRegistry(config, target.env as EnvironmentName);
  if (registry && registry !== pulls) {
    throw new Error(
      `--registry ${registry} is not where ${target.env} pulls from (${pulls}, pipeline.yaml environments.${target.env}.registry): give one of them`,
    );
  }
  return pulls;
}
