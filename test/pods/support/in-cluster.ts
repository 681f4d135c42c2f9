// Running a short program inside the cluster, in a pod on the real node: Service names and ClusterIPs resolve
// only there (this machine routes the service range to a blackhole), so calls through a Service start from a pod.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { CoreV1Api, type KubeConfig, type V1Pod } from "../../../src/delivery/kube-client.js";
import { notYet, waitFor } from "../../cluster/src/wait.js";
import { realNodePlacement } from "./placement.js";

/** What the program left behind. */
export interface InClusterRun {
  readonly phase: "Succeeded" | "Failed";
  readonly exitCode: number | undefined;
  readonly log: string;
}

export interface InClusterProgram {
  readonly namespace: string;
  /** Name of the pod and of the ConfigMap holding `files`. */
  readonly name: string;
  readonly image: string;
  /** Files mounted read-only under /program, by file name. */
  readonly files: Readonly<Record<string, string>>;
  /** The command, e.g. `["node", "/program/shopper.mts", "http://storefront:3000"]`. */
  readonly command: readonly string[];
  readonly timeoutMs: number;
}

/**
 * `entry` and what it imports from the repository as one ES module for the pod's Node (no node_modules there), so a
 * program run in the cluster shares code with the rest of the project instead of copying it.
 */
export async function bundleProgram(entry: URL): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    write: false,
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced nothing for ${entry}`);
  return output.text;
}

/** Runs `program` to completion in a pod on the real node and returns its phase, exit code and log. */
export async function runInCluster(kubeConfig: KubeConfig, program: InClusterProgram): Promise<InClusterRun> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const { namespace, name } = program;
  await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name, namespace }, data: { ...program.files } },
  });
  await core.createNamespacedPod({ namespace, body: programPod(program) });
  const pod = await waitFor(
    `pod ${namespace}/${name} to finish`,
    async () => {
      const live = await core.readNamespacedPod({ namespace, name });
      const phase = live.status?.phase;
      return phase === "Succeeded" || phase === "Failed" ? live : notYet(`phase ${phase}`);
    },
    { timeoutMs: program.timeoutMs, intervalMs: 250 },
  );
  const log = await core.readNamespacedPodLog({ namespace, name });
  const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
  return { phase: pod.status?.phase as InClusterRun["phase"], exitCode: terminated?.exitCode, log };
}

function programPod(program: InClusterProgram): V1Pod {
  return {
    metadata: { name: program.name, namespace: program.namespace, labels: { "app.kubernetes.io/name": program.name } },
    spec: {
      ...realNodePlacement(),
      restartPolicy: "Never",
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
      containers: [
        {
          name: "program",
          image: program.image,
          imagePullPolicy: "IfNotPresent",
          command: [...program.command],
          volumeMounts: [{ name: "program", mountPath: "/program", readOnly: true }],
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          },
        },
      ],
      volumes: [{ name: "program", configMap: { name: program.name } }],
    },
  };
}
