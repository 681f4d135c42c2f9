// Rolling a whole environment back: deploy again the release that was current before the current one.

import { DeliveryError } from "./errors.js";
import { clockAndLogger } from "./kube.js";
import { assertEnvironment } from "./manifests/index.js";
import type { DeployReleaseOptions, DeployReleaseResult } from "./release-deploy.js";
import { deployRelease } from "./release-deploy.js";
import { type ReleaseRecord, readReleaseRecords } from "./release-records.js";

export interface ReleaseRollbackResult extends DeployReleaseResult {
  /** The release that was current before the rollback. */
  from: ReleaseRecord | undefined;
}

/**
 * Deploy the environment's previous release (exact digests, under the deploy lock, in dependency order).
 * Rolling back twice returns to where it started, as `kubectl rollout undo` does for one Deployment.
 */
export async function rollbackRelease(options: Omit<DeployReleaseOptions, "release">): Promise<ReleaseRollbackResult> {
  const { config, env } = options;
  assertEnvironment(config, env);
  const namespace = config.environments[env].namespace;
  const { current, previous } = await readReleaseRecords(namespace, options);
  if (!previous) {
    throw new DeliveryError(
      `environment ${env} (${namespace}) has no previous release recorded to roll back to; roll back one service with --service`,
    );
  }
  clockAndLogger(options).logger.info(
    `rolling ${env} back from release ${current?.id ?? "?"} to release ${previous.id} (deployed ${previous.deployedAt})`,
  );
  const result = await deployRelease({
    ...options,
    release: {
      images: previous.images,
      revision: `rollback from ${current?.id ?? "?"} to ${previous.id}`,
      ...(previous.gitSha !== undefined ? { gitSha: previous.gitSha } : {}),
    },
  });
  return { ...result, from: current };
}
