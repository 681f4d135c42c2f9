// The shop as a pods test file deploys it: dev in the file's own namespace (global-setup.ts gives each file one that
// Prometheus discovers), pods on the real node, the database started before the tests and the namespace deleted
// after them, the four good images pinned by digest, and deploys through the deliver CLI or the library.
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, inject } from "vitest";
import { AppsV1Api, CoreV1Api, type V1Pod } from "../../../src/delivery/kube-client.js";
import { testEnvironment } from "../../cluster/delivery/environment-fixture.js";
import { deleteNamespace, testKubeConfig } from "../../cluster/delivery/helpers.js";
import { REAL_NODE_LABEL, REAL_NODE_TAINT } from "../../cluster/src/real-node/config.js";
import { SHOP_SERVICES, type ShopService } from "../images/pod-images.js";
import { startShopDatabase } from "./postgres.js";

export interface ShopOnNodeOptions {
  /** dev's rollout.progressDeadlineSeconds: how long a release that never becomes Ready waits before rollback. */
  readonly progressDeadlineSeconds: number;
  /** dev's analysis block, as pipeline.yaml would write it. */
  readonly analysis?: Readonly<Record<string, unknown>>;
  /** Fields of dev's slo to change. */
  readonly slo?: Readonly<Record<string, number>>;
  /** dev's replicas and scaling block (deliver watch). */
  readonly replicas?: number;
  readonly scaling?: Readonly<Record<string, unknown>>;
}

/** An image as a release names it: `<reference>@<digest>`. */
export const pinned = (image: { reference: string; digest: string }) => `${image.reference}@${image.digest}`;

/**
 * dev on the real node for the test file at `testFile` (its import.meta.url); registers the beforeAll that creates
 * the namespace and starts the database and the afterAll that deletes the namespace.
 */
export function shopOnNode(testFile: string, options: ShopOnNodeOptions) {
  const images = inject("podImages");
  const file = basename(fileURLToPath(testFile));
  const namespace = inject("podsNamespaces")[file] ?? "";
  if (!namespace) throw new Error(`global-setup.ts gave no namespace to ${file}`);
  const kubeConfig = testKubeConfig();
  const { config, deliver } = testEnvironment("pods", ["dev"], {
    namespaces: { dev: namespace },
    progressDeadlineSeconds: options.progressDeadlineSeconds,
    scheduling: {
      nodeSelector: { [REAL_NODE_LABEL.key]: REAL_NODE_LABEL.value },
      tolerations: [{ ...REAL_NODE_TAINT, operator: "Equal" }],
    },
    ...(options.analysis ? { analysis: options.analysis } : {}),
    ...(options.slo ? { slo: options.slo } : {}),
    ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
    ...(options.scaling ? { scaling: options.scaling } : {}),
  });
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const goodImages = Object.fromEntries(SHOP_SERVICES.map((s) => [s, pinned(images.shop[s])])) as Record<
    ShopService,
    string
  >;

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await startShopDatabase(kubeConfig, namespace, config, images.postgres);
  });
  afterAll(() => deleteNamespace(kubeConfig, namespace));

  /** The service's pods that are not being deleted. */
  async function servicePods(service: string): Promise<V1Pod[]> {
    const list = await core.listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/name=${service}` });
    return list.items.filter((pod) => !pod.metadata?.deletionTimestamp);
  }

  return {
    images,
    namespace,
    kubeConfig,
    config,
    core,
    apps,
    goodImages,
    servicePods,
    /** The deliver CLI against dev's pipeline.yaml copy and the test cluster. */
    deliver,
    /** `deliver deploy` of the four good images to dev as release pods-1, with `extra` flags. */
    deployGoodRelease(extra: readonly string[] = []) {
      const flags = SHOP_SERVICES.flatMap((s) => ["--image", `${s}=${goodImages[s]}`]);
      return deliver(["deploy", "--env", "dev", ...flags, "--revision", "pods-1", ...extra], { timeoutMs: 280_000 });
    },
    /** The image the service's Deployment runs now. */
    async liveImage(service: string): Promise<string | undefined> {
      const live = await apps.readNamespacedDeployment({ namespace, name: service });
      return live.spec?.template.spec?.containers[0]?.image;
    },
    /** The storefront pod's own URL, which synthetic shoppers on the host can reach (Service IPs are in-cluster). */
    async storefrontUrl(): Promise<string> {
      const [storefront] = await servicePods("storefront");
      if (!storefront?.status?.podIP) throw new Error(`no running storefront pod in ${namespace}`);
      return `http://${storefront.status.podIP}:${config.services.storefront?.port}`;
    },
  };
}

export type ShopOnNode = ReturnType<typeof shopOnNode>;
