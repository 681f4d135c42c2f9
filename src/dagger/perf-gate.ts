// perfGate(): the candidate shop (images built from the source) and the baseline shop (the images an environment
// runs) as Dagger services side by side, each with its own PostgreSQL, Prometheus as a service scraping both, and
// `deliver perf-gate` in the development container driving the same synthetic load at both storefronts while the
// environment's analysis compares them. A performance drop fails here, before anything reaches a cluster.
import { type Container, dag, type Service } from "@dagger.io/dagger";
import { assertEnvironment, parseImagePair, parseReleaseImages } from "../delivery/manifests/release.js";
import {
  PERF_GATE_SIDES,
  type PerfGateSideName,
  PROMETHEUS_CONFIG_PATH,
  PROMETHEUS_HOST,
  PROMETHEUS_PORT,
  perfGateArgs,
  perfGatePrometheusConfig,
  sideHost,
} from "../plan/perf-gate.js";
import type { Delivery } from "./context.js";
import { runDeliver } from "./deliver.js";
import { developmentContainer, serviceImage } from "./image.js";
import { shopServices } from "./integration.js";

/** What perfGate compares: the environment whose analysis judges, and the images it runs now. */
export interface PerfGateInput {
  readonly env: string;
  /** One per service: `service=<image>@sha256:…`, or the bare reference as publish prints it. */
  readonly baseline: readonly string[];
  readonly prometheusImage: string;
}

/** Runs the gate; resolves to the gate's verdict, rejects with it when the candidate is worse. */
export async function runPerfGate(delivery: Delivery, input: PerfGateInput): Promise<string> {
  const { plans, config } = delivery;
  const { env } = input;
  assertEnvironment(config, env);
  const storefront = plans.find((plan) => plan.name === "storefront");
  if (!storefront) throw new Error('perf gate needs a "storefront" service in pipeline.yaml: the shoppers start there');
  const pairs: Record<string, string> = {};
  for (const given of input.baseline) {
    const pair = parseImagePair(given);
    if (!pair) throw new Error(`--baseline "${given}" is not service=<image>@sha256:… nor an image reference`);
    pairs[pair.service] = pair.image;
  }
  // Pinned by digest and from the registry the environment pulls from, as a deploy of them would be.
  const baseline = parseReleaseImages(config, pairs, env);
  const missing = plans.filter((plan) => !baseline[plan.name]).map((plan) => plan.name);
  if (missing.length > 0) throw new Error(`perf gate: no --baseline image for ${missing.join(", ")}`);

  const candidateImages = Object.fromEntries(plans.map((plan) => [plan.name, serviceImage(delivery, plan)]));
  const baselineImages = Object.fromEntries(
    Object.entries(baseline).map(([service, image]) => [service, dag.container().from(image.reference)]),
  );
  const digests: Record<PerfGateSideName, Record<string, string>> = {
    candidate: {},
    baseline: Object.fromEntries(Object.entries(baseline).map(([service, image]) => [service, image.digest])),
  };
  // A candidate has no registry digest before publish; its image tarball's digest is as unique to its content.
  const candidateDigests = await Promise.all(
    plans.map(
      async (plan) => [plan.name, await (candidateImages[plan.name] as Container).asTarball().digest()] as const,
    ),
  );
  digests.candidate = Object.fromEntries(candidateDigests);

  const shops: Record<PerfGateSideName, Record<string, Service>> = {
    candidate: shopServices(delivery, { images: candidateImages, instance: "candidate" }),
    baseline: shopServices(delivery, { images: baselineImages, instance: "baseline" }),
  };
  let prometheus = dag
    .container()
    .from(input.prometheusImage)
    .withNewFile(PROMETHEUS_CONFIG_PATH, perfGatePrometheusConfig(plans, config.environments[env].namespace, digests))
    .withExposedPort(PROMETHEUS_PORT);
  let gate = developmentContainer(delivery);
  for (const side of PERF_GATE_SIDES) {
    for (const plan of plans) {
      const service = shops[side][plan.name];
      if (!service) throw new Error(`perf gate: the ${side} shop has no ${plan.name}`);
      prometheus = prometheus.withServiceBinding(sideHost(side, plan.name), service);
    }
    gate = gate.withServiceBinding(sideHost(side, storefront.name), shops[side][storefront.name] as Service);
  }
  const prometheusService = prometheus.asService({
    args: [
      "/bin/prometheus",
      `--config.file=${PROMETHEUS_CONFIG_PATH}`,
      "--storage.tsdb.path=/tmp/prometheus",
      `--web.listen-address=0.0.0.0:${PROMETHEUS_PORT}`,
    ],
  });
  gate = gate.withServiceBinding(PROMETHEUS_HOST, prometheusService);
  return runDeliver(gate, perfGateArgs({ env, storefront, digests }));
}
