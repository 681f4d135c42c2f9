import { type Container, type Directory, func, object } from "@dagger.io/dagger";
import {
  analyzeArgs,
  type DeliveryTargets,
  deployArgs,
  promoteArgs,
  rollbackArgs,
  scaleArgs,
  statusArgs,
  watchArgs,
} from "../cli/deliver/argv.js";
import { runDeliver, runDeliverWithReport } from "../dagger/deliver.js";

/**
 * One environment of pipeline.yaml on the Kubernetes cluster its kubeconfig names: deploy, analyse, roll back,
 * scale (by hand or by watching the SLO), promote and inspect it with the deliver CLI (src/cli/deliver.ts), run in a container. Every function acts on the
 * cluster at the moment it is called (never cached) and returns the CLI's output; a failure is the CLI's one-line
 * reason. The kubeconfig's server address must be reachable from inside the engine's containers (127.0.0.1 on your
 * machine is not), or the API server is given to env as --api-server and bound into the CLI's container.
 */
@object()
export class DeliveryEnvironment {
  /** Environment name as pipeline.yaml declares it. */
  @func()
  name: string;
  /** The container the CLI runs in: the installed workspace, the kubeconfig, the API server if given (see deliverContainer). */
  cli: Container;
  /** Service names of pipeline.yaml, to check arguments before anything runs. */
  services: string[];
  /** Environment names of pipeline.yaml, likewise. */
  environments: string[];

  constructor(name: string, cli: Container, services: string[], environments: string[]) {
    this.name = name;
    this.cli = cli;
    this.services = services;
    this.environments = environments;
  }

  /**
   * Deploys a release: the given images, in dependency order, each rollout watched; a failed one rolls the
   * release back. Returns the CLI's report.
   *
   * Example: dagger call env --name=staging --kubeconfig=file:$HOME/.kube/config deploy --images=api=ghcr.io/acme/shop/api@sha256:0a1b… --revision=$(git rev-parse HEAD)
   *
   * @param images one service=image@sha256:<digest> per service to deploy, as publish prints them
   * @param revision what the release records as its source revision, e.g. the commit
   * @param force deploy even an image this environment rolled back before
   * @param timeout seconds to wait for each rollout (the CLI's default when absent)
   * @param prometheusUrl Prometheus the environment's analysis asks once every rollout is Ready (a failed analysis rolls the release back)
   * @param loadUrl the environment's storefront, for synthetic shoppers while the analysis runs (pipeline.yaml's analysis.load)
   */
  @func({ cache: "never" })
  async deploy(
    images: string[],
    revision?: string,
    force = false,
    timeout?: number,
    prometheusUrl?: string,
    loadUrl?: string,
  ): Promise<string> {
    return this.deliver(
      deployArgs(this.targets(), this.name, {
        images,
        revision,
        force,
        timeoutSeconds: timeout,
        prometheusUrl,
        loadUrl,
      }),
    );
  }

  /**
   * deploy, reported for the CI runner: returns deliver-deploy-<env>.xml (JUnit) and .md (Markdown) with
   * `exit-code` and `deliver.log`, also when the deploy failed and rolled back (that is when the report is read).
   * This function fails only when the CLI could not run; export the directory, then fail the job on `exit-code`.
   *
   * Example: dagger call env --name=staging --kubeconfig=file:$HOME/.kube/config deploy-report --images=api=ghcr.io/acme/shop/api@sha256:0a1b… export --path=reports && exit "$(cat reports/exit-code)"
   *
   * @param images as for deploy
   * @param revision as for deploy
   * @param force as for deploy
   * @param timeout as for deploy
   * @param prometheusUrl as for deploy
   * @param loadUrl as for deploy
   */
  @func({ cache: "never" })
  async deployReport(
    images: string[],
    revision?: string,
    force = false,
    timeout?: number,
    prometheusUrl?: string,
    loadUrl?: string,
  ): Promise<Directory> {
    const request = { images, revision, force, timeoutSeconds: timeout, prometheusUrl, loadUrl };
    return runDeliverWithReport(this.cli, deployArgs(this.targets(), this.name, request));
  }

  /**
   * Judges the environment's current release now with its analysis (every service against the previous release's
   * digest) and records the verdict; fails unless Successful. Never rolls back.
   *
   * Example: dagger call env --name=staging --kubeconfig=file:$HOME/.kube/config analyze --prometheus-url=http://prometheus.monitoring:9090
   *
   * @param prometheusUrl the Prometheus HTTP API the analysis queries
   * @param loadUrl the environment's storefront, for synthetic shoppers while the analysis runs
   */
  @func({ cache: "never" })
  async analyze(prometheusUrl: string, loadUrl?: string): Promise<string> {
    return this.deliver(analyzeArgs(this.targets(), this.name, prometheusUrl, loadUrl));
  }

  /**
   * Rolls back one service, or without --service the whole environment to its previous release.
   *
   * Example: dagger call env --name=prod --kubeconfig=file:./prod.kubeconfig rollback --service=checkout
   *
   * @param service roll back only this service's deployment
   * @param toRevision the deployment revision to go back to (default: the one before the current)
   */
  @func({ cache: "never" })
  async rollback(service?: string, toRevision?: number): Promise<string> {
    return this.deliver(rollbackArgs(this.targets(), this.name, service, toRevision));
  }

  /**
   * Sets a service's replica count and waits for the pods (refused while an autoscaler owns the count).
   *
   * Example: dagger call env --name=staging --kubeconfig=file:$HOME/.kube/config scale --service=api --replicas=3
   *
   * @param service service name as pipeline.yaml declares it
   * @param replicas the number of pods to run
   */
  @func({ cache: "never" })
  async scale(service: string, replicas: number): Promise<string> {
    return this.deliver(scaleArgs(this.targets(), this.name, service, replicas));
  }

  /**
   * What runs in the environment now, as the deliver CLI's status reports it.
   *
   * Example: dagger call env --name=prod --kubeconfig=file:./prod.kubeconfig status --json
   *
   * @param json print JSON instead of text
   */
  @func({ cache: "never" })
  async status(json = false): Promise<string> {
    return this.deliver(statusArgs(this.targets(), this.name, json));
  }

  /**
   * Deploys to another environment exactly the image digests running in this one.
   *
   * Example: dagger call env --name=staging --kubeconfig=file:$HOME/.kube/config promote --to=prod --approve=jane@example.com
   *
   * @param to the environment to promote to (e.g. prod from staging)
   * @param approve who approves the promotion; required when the target's promotion.requiresApproval is true, recorded with the release
   * @param prometheusUrl Prometheus the target environment's analysis asks after the rollout
   * @param loadUrl the target's storefront, for synthetic shoppers while that analysis runs
   */
  @func({ cache: "never" })
  async promote(to: string, approve?: string, prometheusUrl?: string, loadUrl?: string): Promise<string> {
    return this.deliver(promoteArgs(this.targets(), this.name, to, { approvedBy: approve, prometheusUrl, loadUrl }));
  }

  /**
   * promote, reported for the CI runner: returns deliver-promote-<to>.xml (JUnit) and .md with `exit-code` and
   * `deliver.log`, also when the promotion failed or waits for approval. Fails only when the CLI could not run.
   *
   * Example: dagger call env --name=staging --kubeconfig=file:$HOME/.kube/config promote-report --to=prod --approve=jane@example.com export --path=reports && exit "$(cat reports/exit-code)"
   *
   * @param to as for promote
   * @param approve as for promote
   * @param prometheusUrl as for promote
   * @param loadUrl as for promote
   */
  @func({ cache: "never" })
  async promoteReport(to: string, approve?: string, prometheusUrl?: string, loadUrl?: string): Promise<Directory> {
    const request = { approvedBy: approve, prometheusUrl, loadUrl };
    return runDeliverWithReport(this.cli, promoteArgs(this.targets(), this.name, to, request));
  }

  /**
   * Watches the environment's SLO and scales its services within pipeline.yaml's scaling bounds (out when p99 burns
   * while the revision is healthy, back in after the stabilization window), for one pass or for a duration.
   *
   * Example: dagger call env --name=prod --kubeconfig=file:./prod.kubeconfig watch --prometheus-url=http://prometheus.monitoring:9090 --duration=1h
   *
   * @param prometheusUrl the Prometheus HTTP API the watch reads p99 and errors from
   * @param duration how long to watch, e.g. 30m or 1h (Dagger holds the call open that long); without it, one pass
   * @param services only these services (default: every service)
   */
  @func({ cache: "never" })
  async watch(prometheusUrl: string, duration?: string, services: string[] = []): Promise<string> {
    const bound = duration === undefined ? ({ once: true } as const) : { for: duration };
    return this.deliver(watchArgs(this.targets(), this.name, prometheusUrl, bound, services));
  }

  private targets(): DeliveryTargets {
    return { services: this.services, environments: this.environments };
  }

  private deliver(args: readonly string[]): Promise<string> {
    return runDeliver(this.cli, args);
  }
}
