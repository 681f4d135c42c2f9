/**
 * Kubernetes manifests of a release, as pure functions of pipeline.yaml, an environment and an image digest per
 * service. No I/O: applying them is src/delivery's job. Entry points: `renderRelease`, `dependencyOrder`, `parseRelease`.
 */
export { configData, DEFAULT_SHUTDOWN_TIMEOUT_MS } from "./configmap.js";
export { DEFAULT_RESOURCES, RUN_AS_USER } from "./deployment.js";
export {
  ANNOTATIONS,
  configMapName,
  MANAGED_BY,
  NAME_LABEL,
  PART_OF,
  secretName,
  selectorLabels,
  serviceLabels,
} from "./labels.js";
export { callersOf, dependencyOrder, isPublic } from "./order.js";
export {
  assertEnvironment,
  isPinnedReference,
  parseImagePair,
  parseRelease,
  parseReleaseImages,
  type Release,
  type ReleaseImage,
  type ReleaseInput,
} from "./release.js";
export { type ManifestObject, renderRelease, renderServiceManifests, type ServiceManifests } from "./render.js";
export { toApiObject } from "./wire.js";
