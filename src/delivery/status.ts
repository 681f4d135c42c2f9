// What an environment is running: per service image, revision, ready/desired, last rollback; its release; and the
// scaling actions of deliver watch.
import type { PipelineConfig } from "../config/index.js";
import { revisionOf } from "./deployment-revision.js";
import { type KubeOptions, readDeploymentIfExists } from "./kube.js";
import { ANNOTATIONS, assertEnvironment, dependencyOrder } from "./manifests/index.js";
import { type ReleaseRecord, type ReleaseRecords, readReleaseRecords } from "./release-records.js";
import { lastRollback, type RollbackRecord } from "./rollback.js";
import { rolloutState } from "./rollout-status.js";
import { readScalingRecords, type ScalingHistory } from "./scaling/records.js";

export interface ServiceStatus {
  service: string;
  /** False when the environment has no Deployment for the service yet. */
  deployed: boolean;
  /** Image of the Deployment's pod template (what it runs, after any rollback). */
  image: string | undefined;
  /** `sha256:…` part of the image. */
  digest: string | undefined;
  revision: string | undefined;
  readyReplicas: number;
  /** spec.replicas, or (under an autoscaler, which owns the count) status.replicas. */
  desiredReplicas: number;
  availableReplicas: number;
  updatedReplicas: number;
  /** `kubectl rollout status`'s verdict on the Deployment right now. */
  rollout: string;
  lastRollback: RollbackRecord | undefined;
}

export interface EnvironmentStatus {
  env: string;
  namespace: string;
  /** Id of the release last deployed successfully. */
  currentRelease: string | undefined;
  releases: ReleaseRecords;
  /** Services in dependency order. */
  services: ServiceStatus[];
  /** True when every service runs exactly the current release's image. */
  matchesCurrentRelease: boolean;
  /** `deliver watch`'s scaling actions per service, oldest first; a service it never scaled is absent. */
  scaling: Record<string, ScalingHistory>;
}

export interface EnvironmentStatusOptions extends KubeOptions {
  config: PipelineConfig;
  env: string;
}

export async function environmentStatus(options: EnvironmentStatusOptions): Promise<EnvironmentStatus> {
  const { config, env } = options;
  assertEnvironment(config, env);
  const namespace = config.environments[env].namespace;
  const [releases, scaling] = await Promise.all([
    readReleaseRecords(namespace, options),
    readScalingRecords(namespace, options),
  ]);
  const services = await Promise.all(
    dependencyOrder(config).map(async (service): Promise<ServiceStatus> => {
      const d = await readDeploymentIfExists(options, namespace, service);
      if (!d) {
        return {
          service,
          deployed: false,
          image: undefined,
          digest: undefined,
          revision: undefined,
          readyReplicas: 0,
          desiredReplicas: 0,
          availableReplicas: 0,
          updatedReplicas: 0,
          rollout: "not deployed",
          lastRollback: undefined,
        };
      }
      const image =
        d.spec?.template.spec?.containers.find((c) => c.name === service)?.image ??
        d.spec?.template.spec?.containers[0]?.image;
      const at = image?.lastIndexOf("@") ?? -1;
      return {
        service,
        deployed: true,
        image,
        digest: image && at >= 0 ? image.slice(at + 1) : d.metadata?.annotations?.[ANNOTATIONS.digest],
        revision: revisionOf(d),
        readyReplicas: d.status?.readyReplicas ?? 0,
        desiredReplicas: d.spec?.replicas ?? d.status?.replicas ?? 0,
        availableReplicas: d.status?.availableReplicas ?? 0,
        updatedReplicas: d.status?.updatedReplicas ?? 0,
        rollout: rolloutState(d).message,
        lastRollback: lastRollback(d),
      };
    }),
  );
  const current: ReleaseRecord | undefined = releases.current;
  return {
    env,
    namespace,
    currentRelease: current?.id,
    releases,
    services,
    matchesCurrentRelease:
      current !== undefined && services.every((s) => s.deployed && s.image === current.images[s.service]),
    scaling,
  };
}
