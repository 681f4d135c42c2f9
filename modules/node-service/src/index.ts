/**
 * Production images and test runs for one workspace of an npm monorepo.
 *
 * An image's build sees only its workspace, the local workspaces it depends on and the root files `npm ci` and the
 * build read, so changes elsewhere in the monorepo keep its layers cached. Dependencies are installed from the
 * manifests and the lockfile before the sources are copied (so that layer stays cached), workspaces are compiled in
 * dependency order, and the final image holds only production dependencies and build output, runs as the `node`
 * user, and carries OCI labels and a Docker healthcheck.
 */
import { type Container, type Directory, type File, func, object } from "@dagger.io/dagger";
import {
  buildContext,
  devContainer,
  installFiles,
  nodeToolchain,
  productionImage,
  readLockfile,
  readWorkspaces,
  runtimeWorkspaceOrder,
  testWorkspace,
  workspaceMetadata,
} from "./lib.js";

@object()
export class NodeService {
  /** The monorepo: root package.json, package-lock.json and the workspaces. */
  source: Directory;
  /** Node major version of the base image (`node:<version>-bookworm-slim`). */
  nodeVersion: string;
  /** Name of the cache volume for npm's download cache. */
  npmCache: string;
  /** Extra CA certificates (PEM) trusted while installing, for registries behind a TLS-inspecting proxy. */
  caCertificates?: File;

  /**
   * A builder for one npm monorepo.
   *
   * @param source the monorepo root; pass it explicitly (`--source=.`), leaving out node_modules and build output
   * @param nodeVersion Node major version of the base image
   * @param npmCache name of the cache volume for npm's download cache
   * @param caCertificates extra CA certificates (PEM) trusted by npm in the build stages only
   */
  constructor(source: Directory, nodeVersion = "24", npmCache = "npm-cache", caCertificates?: File) {
    this.source = source;
    this.nodeVersion = nodeVersion;
    this.npmCache = npmCache;
    this.caCertificates = caCertificates;
  }

  /**
   * Production image of one workspace: production dependencies, build output, non-root user, labels, healthcheck.
   * The build copies only the workspace, the local workspaces it depends on, the root manifests and `buildFiles`.
   *
   * Example: dagger call -m modules/node-service --source=. image --workspace=apps/web --port=8080 publish --address=ttl.sh/web
   *
   * @param workspace workspace directory relative to the root, e.g. apps/web
   * @param entrypoint script run by node, relative to the workspace
   * @param port port the service listens on (exported as PORT, HOST is 0.0.0.0)
   * @param healthPath HTTP path that answers 2xx while the process is alive
   * @param revision commit the image is built from (org.opencontainers.image.revision)
   * @param sourceUrl URL of the source repository (org.opencontainers.image.source)
   * @param buildFiles root files (glob patterns) the workspaces' builds read besides the manifests; default tsconfig*.json
   */
  @func()
  async image(
    workspace: string,
    entrypoint = "dist/server.js",
    port = 3000,
    healthPath = "/healthz",
    revision = "",
    sourceUrl = "",
    buildFiles?: string[],
  ): Promise<Container> {
    const [{ workspaces }, lockfile] = await Promise.all([readWorkspaces(this.source), readLockfile(this.source)]);
    const order = runtimeWorkspaceOrder(workspaces, workspace);
    const target = workspaces.find((w) => w.path === order[order.length - 1]);
    if (!target) throw new Error(`${workspace} is not a workspace`);
    return productionImage(this.source, this.toolchain(), {
      workspace: target.path,
      context: buildContext(order, buildFiles),
      lockfile,
      entrypoint,
      metadata: workspaceMetadata(target, port, healthPath, { revision, source: sourceUrl }),
    });
  }

  /**
   * Runs one workspace's `npm test` in a container with every dependency installed; returns its output. Tests see
   * the whole source, since suites commonly read root test settings and helpers outside their workspace.
   *
   * Example: dagger call -m modules/node-service --source=. test --workspace=packages/core
   *
   * @param workspace workspace directory relative to the root, e.g. packages/core
   */
  @func()
  async test(workspace: string): Promise<string> {
    return testWorkspace(await this.dev(), workspace).stdout();
  }

  /**
   * Development container: all dependencies installed from the lockfile, the whole source in /app.
   *
   * Example: dagger call -m modules/node-service --source=. dev terminal
   */
  @func()
  async dev(): Promise<Container> {
    const { workspaces } = await readWorkspaces(this.source);
    return devContainer(this.source, await installFiles(this.source, workspaces), this.toolchain());
  }

  private toolchain() {
    return nodeToolchain(this.nodeVersion, this.npmCache, this.caCertificates);
  }
}
