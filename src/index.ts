/**
 * Builds, tests, integration-tests and publishes the shop's services, as pipeline.yaml describes them.
 *
 * The same functions run on a laptop (`dagger call ci`) and in Jenkins, GitHub Actions and GitLab CI.
 */
import {
  argument,
  type Container,
  check,
  type Directory,
  type File,
  func,
  object,
  type Secret,
  type Service,
} from "@dagger.io/dagger";
import { deliveryTargets, environmentName } from "./cli/deliver/argv.js";
import { affectedSince } from "./dagger/affected.js";
import { lintContainer, typecheckContainer } from "./dagger/checks.js";
import { ciReportDirectory, runCi } from "./dagger/ci.js";
import { type Delivery, type DeliverySettings, loadDelivery } from "./dagger/context.js";
import { apiServerBinding, deliverContainer } from "./dagger/deliver.js";
import { e2eReport, e2eRun, e2eScreenshots } from "./dagger/e2e.js";
import { serviceImage, serviceTests } from "./dagger/image.js";
import { runIntegration } from "./dagger/integration.js";
import { runPerfGate } from "./dagger/perf-gate.js";
import { publishImages } from "./dagger/publish.js";
import { GIT_ONLY, SOURCE_IGNORE } from "./dagger/source.js";
import { DeliveryEnvironment } from "./objects/environment.js";
import { type ShopService, shopService } from "./objects/shop-service.js";
import { PROMETHEUS_IMAGE } from "./plan/perf-gate.js";
import { publishRegistry, selectServices } from "./plan/plan.js";
import { affectedSelection, fullSelection } from "./plan/selection.js";

@object()
export class EcommerceDelivery {
  source: Directory;
  nodeVersion: string;
  npmCache: string;
  revision: string;
  sourceUrl: string;
  caCertificates?: File;
  tscCache?: string;

  /**
   * The shop's delivery pipeline.
   *
   * @param source the repository (defaults to the one this module lives in, without node_modules, dist and .git)
   * @param nodeVersion Node major version of every image (node:<version>-bookworm-slim)
   * @param npmCache name of the cache volume that keeps npm's downloads between runs
   * @param revision commit being built: labels the images and is the default tag of publish
   * @param sourceUrl repository URL written into the images' org.opencontainers.image.source label
   * @param caCertificates extra CA certificates (PEM) that every build stage trusts (npm, git), for a registry behind
   *   a TLS-inspecting proxy; never part of a production image
   * @param tscCache name of the cache volume that keeps tsc's incremental state between typecheck runs (default
   *   tsc-incremental)
   */
  constructor(
    @argument({ defaultPath: "/", ignore: SOURCE_IGNORE }) source: Directory,
    nodeVersion = "24",
    npmCache = "npm-cache",
    revision = "",
    sourceUrl = "",
    caCertificates?: File,
    tscCache?: string,
  ) {
    this.source = source;
    this.nodeVersion = nodeVersion;
    this.npmCache = npmCache;
    this.revision = revision;
    this.sourceUrl = sourceUrl;
    this.caCertificates = caCertificates;
    this.tscCache = tscCache;
  }

  /**
   * One service of pipeline.yaml, with its own build, test and image functions.
   *
   * Example: dagger call service --name=api image
   *
   * @param name service name as pipeline.yaml declares it (storefront, api, checkout, payments)
   */
  @func()
  async service(name: string): Promise<ShopService> {
    return shopService(await loadDelivery(this.settings()), name);
  }

  /**
   * One environment of pipeline.yaml on its Kubernetes cluster, with deploy, rollback, scale, status and promote.
   *
   * Example: dagger call env --name=staging --kubeconfig=file:$HOME/.kube/config status
   *
   * Example: dagger call env --name=dev --kubeconfig=file:$HOME/.kube/config --api-server=tcp://localhost:6443 status
   *
   * @param name environment as pipeline.yaml declares it (dev, staging, prod)
   * @param kubeconfig kubeconfig of the cluster, as a secret (file:PATH, env:NAME); without --api-server its server
   *   address must be reachable from inside the engine's containers
   * @param apiServer the cluster's API server as a service, for a kubeconfig whose server only this machine
   *   reaches (kind, k3d, minikube: https://127.0.0.1:<port>): pass tcp://localhost:<that port>; the CLI talks to it
   *   and still verifies the certificate against the kubeconfig's server name
   */
  @func()
  async env(name: string, kubeconfig: Secret, apiServer?: Service): Promise<DeliveryEnvironment> {
    const delivery = await loadDelivery(this.settings());
    const { services, environments } = deliveryTargets(delivery.config);
    environmentName({ services, environments }, name);
    const binding = apiServer ? await apiServerBinding(apiServer) : undefined;
    const cli = deliverContainer(delivery, kubeconfig, binding);
    return new DeliveryEnvironment(name, cli, [...services], [...environments]);
  }

  /**
   * Production images of every service (or one), built in parallel.
   *
   * Example: dagger call build --service=checkout
   *
   * @param service build only this service
   */
  @func()
  async build(service?: string): Promise<Container[]> {
    const delivery = await loadDelivery(this.settings());
    const images = selectServices(delivery.plans, service).map((plan) => serviceImage(delivery, plan));
    return Promise.all(images.map((image) => image.sync()));
  }

  /**
   * Runs the test suites of every service (or one) in containers, in parallel; returns their output.
   *
   * Example: dagger call test --service=payments
   *
   * @param service test only this service
   */
  @func()
  @check()
  async test(service?: string): Promise<string> {
    const delivery = await loadDelivery(this.settings());
    const plans = selectServices(delivery.plans, service);
    const outputs = await Promise.all(plans.map((plan) => serviceTests(delivery, plan).stdout()));
    return plans.map((plan, i) => `── ${plan.name} ──\n${outputs[i]}`).join("\n");
  }

  /**
   * Checks formatting and lint rules of the whole repository with Biome.
   *
   * Example: dagger call lint
   */
  @func()
  @check()
  async lint(): Promise<string> {
    return lintContainer(await loadDelivery(this.settings())).stdout();
  }

  /**
   * Type-checks the whole repository with tsc --noEmit.
   *
   * Example: dagger call typecheck
   */
  @func()
  @check()
  async typecheck(): Promise<string> {
    return typecheckContainer(await loadDelivery(this.settings())).stdout();
  }

  /**
   * Starts PostgreSQL and every service from its production image, then buys, repeats and declines through them.
   *
   * Example: dagger call integration
   */
  @func()
  async integration(): Promise<string> {
    return runIntegration(await loadDelivery(this.settings()));
  }

  // Named endToEnd, not e2e, which the dagger CLI would spell e-2-e.
  /**
   * Runs the real-browser suite (test/e2e) in a container with Debian's Chromium, against PostgreSQL and every
   * service's production image, for CI without a browser: a shopper buys, is declined, meets a sold-out item,
   * double-clicks Pay, and buys without JavaScript. Returns vitest's report; fails with it when a story fails.
   *
   * Example: dagger call end-to-end
   */
  @func()
  async endToEnd(): Promise<string> {
    return e2eReport(e2eRun(await loadDelivery(this.settings())));
  }

  /**
   * The screenshots of every step of the end-to-end run (<story>/<NN>-<step>.png, a failed step's ending in
   * -FAILED), also after a failed run; the same run as end-to-end while the source is unchanged.
   *
   * Example: dagger call end-to-end-screenshots export --path=.tmp/e2e
   */
  @func()
  async endToEndScreenshots(): Promise<Directory> {
    return e2eScreenshots(e2eRun(await loadDelivery(this.settings())));
  }

  /**
   * Pushes every service's image and returns the references with their digests.
   *
   * Example: dagger call --revision=$(git rev-parse HEAD) publish --registry=ghcr.io/acme --username=bot --password=env:REGISTRY_TOKEN
   *
   * Example: dagger call --revision=$(git rev-parse HEAD) publish --env=staging --username=bot --password=env:REGISTRY_TOKEN
   *
   * @param registry registry host (and path prefix) to push to instead of pipeline.yaml's registry.host
   * @param tag image tag; defaults to --revision, else "latest"
   * @param username registry user name (with --password)
   * @param password registry password or token, as a secret (env:NAME, file:PATH, cmd:...)
   * @param env push to the registry this environment pulls from (pipeline.yaml environments.<env>.registry, else
   *   registry.host), where its deploy expects the images
   */
  @func({ cache: "never" })
  async publish(
    registry?: string,
    tag?: string,
    username?: string,
    password?: Secret,
    env?: string,
  ): Promise<string[]> {
    if ((username === undefined) !== (password === undefined)) {
      throw new Error("give --username and --password together, or neither");
    }
    const delivery = await loadDelivery(this.settings());
    const target = publishRegistry(delivery.config, { registry, env });
    const credentials = username !== undefined && password !== undefined ? { username, password } : undefined;
    return publishImages(delivery, tag || this.revision || "latest", target, credentials);
  }

  /**
   * The performance gate, before anything reaches a cluster: the shop built from this source (the candidate) and the
   * images an environment runs now (the baseline) start side by side as services, each with its own PostgreSQL, with
   * Prometheus scraping both; synthetic shoppers browse and buy on both storefronts at the environment's analysis.load
   * while its analysis judges every service whose image differs against the baseline's at the same moments (the
   * relative checks, e.g. p99 at most 1.2× the current revision, and the SLOs). Returns the verdict; fails with it
   * unless Successful.
   *
   * Example: dagger call perf-gate --env=staging --baseline=127.0.0.1:5000/shop/api@sha256:… --baseline=…
   *
   * @param env environment whose analysis settings (metrics, slo, relative bounds, load) judge the candidate
   * @param baseline the environment's current images, one per service: service=<image>@sha256:…, or the bare
   *   reference as publish prints it (`deliver status --env <env> --json` lists the current release's)
   * @param prometheusImage the image Prometheus runs from (its /bin/prometheus)
   */
  @func({ cache: "never" })
  async perfGate(env: string, baseline: string[], prometheusImage = PROMETHEUS_IMAGE): Promise<string> {
    return runPerfGate(await loadDelivery(this.settings()), { env, baseline, prometheusImage });
  }

  /**
   * The services changed since a git ref (their own files, a workspace package they depend on, or a file every
   * build reads such as package-lock.json), counting uncommitted changes; `ci --base` explains each one.
   *
   * Example: dagger call affected --base=origin/main
   *
   * @param base branch, tag or commit to compare with (through its merge base with HEAD), e.g. origin/main
   * @param git a directory holding the repository's .git (defaults to this repository's)
   */
  @func()
  async affected(base: string, @argument({ defaultPath: "/", ignore: GIT_ONLY }) git: Directory): Promise<string[]> {
    const delivery = await loadDelivery(this.settings());
    return (await affectedSince(delivery, git, base)).build;
  }

  /**
   * Lint, typecheck, every service's tests, the images, then integration; ends with what ran and how long it took.
   *
   * With --base, lint and typecheck still cover the whole repository, but tests and images only the services
   * affected since that ref; the summary names them and why. Integration runs when any service is affected and
   * starts every service, so it also builds the unaffected images: a partial shop cannot be integration-tested.
   * With nothing affected, only lint and typecheck run.
   *
   * Example: dagger call --revision=$(git rev-parse HEAD) ci --base=origin/main
   *
   * @param base test and build only the services changed since this git ref (e.g. origin/main)
   * @param git a directory holding the repository's .git, read only with --base (defaults to this repository's)
   */
  @func()
  async ci(base?: string, @argument({ defaultPath: "/", ignore: GIT_ONLY }) git?: Directory): Promise<string> {
    const delivery = await loadDelivery(this.settings());
    return runCi(delivery, await ciSelection(delivery, base, git));
  }

  /**
   * The steps of ci as a report for the CI runner: ci.xml (JUnit: a case per step, a failed one with its output;
   * Jenkins' junit step, GitLab's artifacts:reports:junit) and ci.md (Markdown; GitHub's job summary). A failed step
   * does not fail this function: export the report, and fail the job with `ci` (the same steps; what passed is cached).
   *
   * Example: dagger call ci-report --base=origin/main export --path=reports
   *
   * @param base as for ci: test and build only the services changed since this git ref
   * @param git as for ci
   */
  @func()
  async ciReport(base?: string, @argument({ defaultPath: "/", ignore: GIT_ONLY }) git?: Directory): Promise<Directory> {
    const delivery = await loadDelivery(this.settings());
    return ciReportDirectory(delivery, await ciSelection(delivery, base, git));
  }

  private settings(): DeliverySettings {
    return this;
  }
}

/** Every service, or with `base` the services affected since it (see ci). */
async function ciSelection(delivery: Delivery, base: string | undefined, git: Directory | undefined) {
  if (!base) return fullSelection(delivery.plans);
  return affectedSelection(delivery.plans, await affectedSince(delivery, requireGit(git), base), base);
}

// In module mode `dagger call` fills it from defaultPath; a client-mode caller has to pass it.
function requireGit(git: Directory | undefined): Directory {
  if (!git) throw new Error("--base needs the repository's .git: pass --git=<directory that contains .git>");
  return git;
}
