// Engine-free: the image metadata of a Node service image, as plain data.

/** What an image says about itself. Empty optional values are left out rather than written as "". */
export interface ImageMetadata {
  /** Human name of the image, usually the package name. */
  readonly title: string;
  /** Version of what is inside, usually the workspace's package.json version. */
  readonly version: string;
  /** Commit the image was built from. */
  readonly revision?: string;
  /** URL of the source repository. */
  readonly source?: string;
  /** Port the service listens on. */
  readonly port: number;
  /** HTTP path that answers 2xx while the process is alive. */
  readonly healthPath: string;
}

/** Label under which the image records its liveness path (OCI images have no standard field for it). */
export const HEALTH_PATH_LABEL = "io.node-service.health.path";
/** Label under which the image records the port its health path is served on. */
export const HEALTH_PORT_LABEL = "io.node-service.health.port";

/** OCI annotation keys (https://specs.opencontainers.org/image-spec/annotations/) plus the health labels. */
export function imageLabels(meta: ImageMetadata): Record<string, string> {
  if (!meta.healthPath.startsWith("/")) throw new Error(`health path must start with "/": ${meta.healthPath}`);
  const labels: Record<string, string> = {
    "org.opencontainers.image.title": meta.title,
    "org.opencontainers.image.version": meta.version,
  };
  if (meta.revision) labels["org.opencontainers.image.revision"] = meta.revision;
  if (meta.source) labels["org.opencontainers.image.source"] = meta.source;
  labels[HEALTH_PATH_LABEL] = meta.healthPath;
  labels[HEALTH_PORT_LABEL] = String(meta.port);
  return labels;
}

/**
 * A health probe that needs nothing but Node (slim images have no curl or wget): exits 0 on a 2xx answer from
 * `http://127.0.0.1:<port><path>` within `timeoutMs`, 1 otherwise.
 */
export function healthcheckCommand(port: number, path: string, timeoutMs = 2000): string[] {
  const url = JSON.stringify(`http://127.0.0.1:${port}${path}`);
  const script = `fetch(${url},{signal:AbortSignal.timeout(${timeoutMs})}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
  return ["node", "-e", script];
}
