// The shop's database in the test namespace: the postgres:17 stand-in image as a one-pod Deployment with a
// Service, the databases made on first start, and the `<service>-secrets` Secrets the shop's Deployments read,
// all wired exactly as the integration step wires them (src/plan/wiring.ts).
import { randomBytes } from "node:crypto";
import type { PipelineConfig } from "../../../src/config/index.js";
import { AppsV1Api, CoreV1Api, type KubeConfig } from "../../../src/delivery/kube-client.js";
import { servicePlans } from "../../../src/plan/plan.js";
import {
  databaseInitSql,
  integrationDatabases,
  integrationWiring,
  POSTGRES_HOST,
  POSTGRES_INIT_DIR,
  POSTGRES_PORT,
  POSTGRES_USER,
} from "../../../src/plan/wiring.js";
import { notYet, waitFor } from "../../cluster/src/wait.js";
import { repoWorkspaces } from "../../unit/this-repo.js";
import { realNodePlacement } from "./placement.js";

const labels = { "app.kubernetes.io/name": POSTGRES_HOST };

/** Starts PostgreSQL in `namespace`, writes every service's Secret, and waits until the server takes connections. */
export async function startShopDatabase(
  kubeConfig: KubeConfig,
  namespace: string,
  config: PipelineConfig,
  image: string,
): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const plans = servicePlans(config, await repoWorkspaces());
  const password = randomBytes(18).toString("base64url");
  const databases = integrationDatabases(plans);

  for (const [service, wiring] of Object.entries(integrationWiring(plans, password))) {
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: `${service}-secrets`, namespace }, stringData: { ...wiring.secrets } },
    });
  }
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: "postgres-password", namespace }, stringData: { POSTGRES_PASSWORD: password } },
  });
  await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: "postgres-init", namespace }, data: { "10-databases.sql": databaseInitSql(databases) } },
  });
  await core.createNamespacedService({
    namespace,
    body: {
      metadata: { name: POSTGRES_HOST, namespace, labels },
      spec: { selector: labels, ports: [{ name: "postgres", port: POSTGRES_PORT, targetPort: POSTGRES_PORT }] },
    },
  });
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: POSTGRES_HOST, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            ...realNodePlacement(),
            automountServiceAccountToken: false,
            containers: [
              {
                name: "postgres",
                image,
                imagePullPolicy: "IfNotPresent",
                env: [
                  { name: "POSTGRES_USER", value: POSTGRES_USER },
                  { name: "POSTGRES_DB", value: databases[0] },
                ],
                envFrom: [{ secretRef: { name: "postgres-password" } }],
                ports: [{ containerPort: POSTGRES_PORT }],
                // The init phase listens on its socket only, so the port answering means the real server is up.
                readinessProbe: { tcpSocket: { port: POSTGRES_PORT }, periodSeconds: 1 },
                volumeMounts: [
                  { name: "data", mountPath: "/var/lib/postgresql/data" },
                  { name: "init", mountPath: POSTGRES_INIT_DIR, readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: "data", emptyDir: {} },
              { name: "init", configMap: { name: "postgres-init" } },
            ],
          },
        },
      },
    },
  });
  await waitFor(
    `PostgreSQL in ${namespace} to take connections`,
    async () => {
      const live = await apps.readNamespacedDeployment({ namespace, name: POSTGRES_HOST });
      return (live.status?.availableReplicas ?? 0) >= 1 ? true : notYet(JSON.stringify(live.status?.conditions ?? []));
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
}
