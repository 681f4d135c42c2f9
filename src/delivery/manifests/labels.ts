/** Value of `app.kubernetes.io/managed-by` on everything we render; apply and status code select on it. */
export const MANAGED_BY = "ecommerce-delivery";
/** Value of `app.kubernetes.io/part-of`. */
export const PART_OF = "ecommerce";
/** Label key that names a service; selectors and NetworkPolicy peers match on it alone. */
export const NAME_LABEL = "app.kubernetes.io/name";

/** Annotation keys written on the objects (prefix is ours so nothing else claims them). */
export const ANNOTATIONS = {
  /** Deployment: id of the release (digest set) that last rendered it. */
  releaseId: "ecommerce-delivery/release-id",
  /** Deployment: `sha256:…` digest of the service's image in that release. */
  digest: "ecommerce-delivery/image-digest",
  /** Deployment: optional free-form revision of the release (e.g. a CI build number). */
  revision: "ecommerce-delivery/revision",
  /** Deployment: optional git commit the release was built from. */
  gitSha: "ecommerce-delivery/git-sha",
  /** Pod template: hash of the ConfigMap data, so a config change rolls the pods like an image change does. */
  configHash: "ecommerce-delivery/config-hash",
} as const;

/**
 * Pod label naming the image a pod runs (the first 12 hex digits of its digest; a label value holds at most 63
 * characters). Metrics and analysis tell the revisions of a service apart by it, and it is known before the
 * ReplicaSet exists, unlike pod-template-hash. It changes only when the digest does, so it rolls no extra pods.
 */
export const POD_DIGEST_LABEL = "ecommerce-delivery/digest";

const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$/;
const DIGEST_LABEL_VALUE = /^[0-9a-f]{12}$/;

/** Whether `value` is an image digest as registries give it: `sha256:<64 hex>`. */
export function isImageDigest(value: string): boolean {
  return IMAGE_DIGEST.test(value);
}

/** Whether `value` is a {@link POD_DIGEST_LABEL} value: 12 hex digits. */
export function isDigestLabelValue(value: string): boolean {
  return DIGEST_LABEL_VALUE.test(value);
}

/** The {@link POD_DIGEST_LABEL} value for an image digest (`sha256:<hex>`). */
export function digestLabelValue(digest: string): string {
  return digest.replace(/^sha256:/, "").slice(0, 12);
}

/** Labels that select a service's pods. Kept to the name only: a Deployment's selector is immutable. */
export function selectorLabels(service: string): Record<string, string> {
  return { [NAME_LABEL]: service };
}

/** Labels on every object that belongs to `service`. */
export function serviceLabels(service: string): Record<string, string> {
  return {
    ...selectorLabels(service),
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
}

/** Name of the ConfigMap holding a service's plain environment. */
export const configMapName = (service: string) => `${service}-config`;
/** Name of the Secret a service's secret variables are read from (created outside the pipeline). */
export const secretName = (service: string) => `${service}-secrets`;
