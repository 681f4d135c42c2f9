import type { V1Deployment, V1EnvVar, V1Probe, V1ResourceRequirements } from "@kubernetes/client-node";
import { configData, configHash, DEFAULT_SHUTDOWN_TIMEOUT_MS } from "./configmap.js";
import type { ServiceContext } from "./context.js";
import {
  ANNOTATIONS,
  configMapName,
  digestLabelValue,
  POD_DIGEST_LABEL,
  secretName,
  selectorLabels,
  serviceLabels,
} from "./labels.js";

/** Requests and limits every service gets; pipeline.yaml has no field for them yet. CPU requests are what the HPA measures against. */
export const DEFAULT_RESOURCES: V1ResourceRequirements = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "500m", memory: "256Mi" },
};

/** The non-root user the pods run as (the `node` user of the Node base image). */
export const RUN_AS_USER = 1000;

/** Seconds Kubernetes waits after SIGTERM beyond the service's own drain timeout before it sends SIGKILL. */
const GRACE_MARGIN_SECONDS = 5;

/** Deployment of one service at the release's image. `spec.replicas` is left out when an HPA owns the count. */
export function renderDeployment(ctx: ServiceContext): V1Deployment {
  const { name, service, env, release, image } = ctx;
  const data = configData(ctx);
  const shutdownMs = Number(data.SHUTDOWN_TIMEOUT_MS ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
  const annotations: Record<string, string> = {
    [ANNOTATIONS.releaseId]: release.id,
    [ANNOTATIONS.digest]: image.digest,
  };
  if (release.revision !== undefined) annotations[ANNOTATIONS.revision] = release.revision;
  if (release.gitSha !== undefined) annotations[ANNOTATIONS.gitSha] = release.gitSha;

  const secretEnv: V1EnvVar[] = service.secrets.map((key) => ({
    name: key,
    valueFrom: { secretKeyRef: { name: secretName(name), key, optional: false } },
  }));
  const probe = (path: string, periodSeconds: number, failureThreshold: number): V1Probe => ({
    httpGet: { path, port: "http", scheme: "HTTP" },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold,
  });

  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: ctx.namespace, labels: serviceLabels(name), annotations },
    spec: {
      // Under autoscaling the field is left out entirely: an applied value would reset the HPA's count on every deploy.
      ...(env.autoscaling === undefined && env.replicas !== undefined ? { replicas: env.replicas } : {}),
      selector: { matchLabels: selectorLabels(name) },
      strategy: {
        type: "RollingUpdate",
        // maxUnavailable 0 (what pipeline.yaml asks for) means new pods must be Ready before old ones go,
        // so available replicas never drop below the desired count during a rollout.
        rollingUpdate: { maxUnavailable: env.rollout.maxUnavailable, maxSurge: env.rollout.maxSurge },
      },
      progressDeadlineSeconds: env.rollout.progressDeadlineSeconds,
      revisionHistoryLimit: 10,
      template: {
        metadata: {
          labels: { ...serviceLabels(name), [POD_DIGEST_LABEL]: digestLabelValue(image.digest) },
          // Only what changes the running pod goes here: a release id would restart services whose digest did not change.
          annotations: {
            [ANNOTATIONS.configHash]: configHash(data),
            "prometheus.io/scrape": "true",
            "prometheus.io/port": String(service.port),
            "prometheus.io/path": "/metrics",
          },
        },
        spec: {
          ...(env.scheduling && Object.keys(env.scheduling.nodeSelector).length > 0
            ? { nodeSelector: env.scheduling.nodeSelector }
            : {}),
          ...(env.scheduling && env.scheduling.tolerations.length > 0
            ? { tolerations: env.scheduling.tolerations }
            : {}),
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: Math.ceil(shutdownMs / 1000) + GRACE_MARGIN_SECONDS,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUN_AS_USER,
            runAsGroup: RUN_AS_USER,
            fsGroup: RUN_AS_USER,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name,
              image: image.reference,
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: "http", containerPort: service.port, protocol: "TCP" }],
              envFrom: [{ configMapRef: { name: configMapName(name) } }],
              ...(secretEnv.length > 0 ? { env: secretEnv } : {}),
              resources: DEFAULT_RESOURCES,
              // Startup allows up to 60 s (migrations run on start) before liveness may restart the pod.
              // A crash's last log lines become the termination message, which a failed rollout reports.
              terminationMessagePolicy: "FallbackToLogsOnError",
              startupProbe: probe(service.healthPath, 2, 30),
              readinessProbe: probe(service.readinessPath, 5, 3),
              livenessProbe: probe(service.healthPath, 10, 3),
              securityContext: {
                runAsNonRoot: true,
                runAsUser: RUN_AS_USER,
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                privileged: false,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            },
          ],
          // The root filesystem is read-only; Node and its libraries still need a writable /tmp.
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
        },
      },
    },
  };
}
