// The Deployment controller's revision number, as it annotates a Deployment and each of its ReplicaSets.
import type { V1Deployment, V1ReplicaSet } from "./kube-client.js";

export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

export function revisionOf(object: V1Deployment | V1ReplicaSet): string | undefined {
  return object.metadata?.annotations?.[REVISION_ANNOTATION];
}
