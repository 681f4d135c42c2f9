import { join } from "node:path";
import type { Certificates } from "./certs.js";
import { type ClusterConfig, clusterSourceDir } from "./config.js";

/** Loopback ports of one cluster, chosen free at start. */
export interface Ports {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiserver: number;
  readonly controllerManager: number;
  readonly scheduler: number;
  readonly kwok: number;
}

/** Where a cluster keeps its files, all inside the run directory. */
export interface Layout {
  readonly runDir: string;
  readonly pkiDir: string;
  readonly etcdDataDir: string;
  readonly logDir: string;
  readonly kubeconfig: string;
  readonly stateFile: string;
}

/** The paths of a run directory. */
export function layoutOf(runDir: string): Layout {
  return {
    runDir,
    pkiDir: join(runDir, "pki"),
    etcdDataDir: join(runDir, "etcd"),
    logDir: join(runDir, "logs"),
    kubeconfig: join(runDir, "kubeconfig"),
    stateFile: join(runDir, "state.json"),
  };
}

/** The processes of a complete cluster, in start order. */
export const componentNames = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"] as const;

/** kwok's stage files, in the order they are loaded. */
export const stageFiles = [
  "node-initialize.yaml",
  "node-heartbeat.yaml",
  "pod-ready.yaml",
  "pod-crash-unready.yaml",
  "pod-crashloop.yaml",
  "pod-complete.yaml",
  "pod-delete.yaml",
].map((file) => join(clusterSourceDir, "stages", file));

/** The annotation that hands a node to kwok. */
export const kwokNodeAnnotation = { key: "kwok.x-k8s.io/node", value: "fake" } as const;

/** The address the apiserver advertises: in the blackholed node range, never reachable. */
function advertiseAddress(config: ClusterConfig): string {
  return config.nodeIp.replace(/\.\d+$/, ".1");
}

/** etcd: one member, plain HTTP on loopback, fsync off because the data is thrown away. */
export function etcdArgs(layout: Layout, ports: Ports): string[] {
  const client = `http://127.0.0.1:${ports.etcdClient}`;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    "--name=test",
    `--data-dir=${layout.etcdDataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=test=${peer}`,
    "--initial-cluster-state=new",
    "--unsafe-no-fsync=true",
    "--log-level=warn",
  ];
}

/** kube-apiserver: secure port on 127.0.0.1 only, client-certificate auth, RBAC. */
export function apiserverArgs(config: ClusterConfig, certs: Certificates, ports: Ports): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    "--bind-address=127.0.0.1",
    `--secure-port=${ports.apiserver}`,
    `--advertise-address=${advertiseAddress(config)}`,
    `--service-cluster-ip-range=${config.serviceCidr}`,
    `--client-ca-file=${certs.caCert}`,
    `--tls-cert-file=${certs.apiserverCert}`,
    `--tls-private-key-file=${certs.apiserverKey}`,
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${certs.serviceAccountPub}`,
    `--service-account-signing-key-file=${certs.serviceAccountKey}`,
    // No front proxy sends requests, but without a request-header CA every delegating component
    // (controller-manager, scheduler) logs a missing-CA error every few seconds. Only a certificate
    // named front-proxy-client could use these headers, and none is ever issued.
    `--requestheader-client-ca-file=${certs.caCert}`,
    "--requestheader-allowed-names=front-proxy-client",
    "--requestheader-username-headers=X-Remote-User",
    "--requestheader-group-headers=X-Remote-Group",
    "--requestheader-extra-headers-prefix=X-Remote-Extra-",
    "--authorization-mode=Node,RBAC",
    "--allow-privileged=true",
    "--profiling=false",
    // The API server calls kubelets (logs, exec, port-forward) as the admin; a real node's kubelet checks the
    // certificate against the cluster CA and asks the API server whether the admin may.
    `--kubelet-client-certificate=${certs.adminCert}`,
    `--kubelet-client-key=${certs.adminKey}`,
    // By the node's InternalIP: nothing resolves the node's host name on this machine.
    "--kubelet-preferred-address-types=InternalIP,Hostname",
  ];
}

/** kube-controller-manager: every controller, node pod ranges from `podCidr`, service-account tokens signed. */
export function controllerManagerArgs(
  config: ClusterConfig,
  layout: Layout,
  certs: Certificates,
  ports: Ports,
): string[] {
  return [
    ...clientArgs(layout),
    "--bind-address=127.0.0.1",
    `--secure-port=${ports.controllerManager}`,
    `--cert-dir=${join(layout.pkiDir, "kube-controller-manager")}`,
    "--controllers=*",
    `--service-account-private-key-file=${certs.serviceAccountKey}`,
    `--root-ca-file=${certs.caCert}`,
    `--cluster-signing-cert-file=${certs.caCert}`,
    `--cluster-signing-key-file=${certs.caKey}`,
    "--allocate-node-cidrs=true",
    `--cluster-cidr=${config.podCidr}`,
    "--node-cidr-mask-size=24",
    `--service-cluster-ip-range=${config.serviceCidr}`,
    "--leader-elect=false",
    "--profiling=false",
  ];
}

/** kube-scheduler: places pods on the kwok nodes. */
export function schedulerArgs(layout: Layout, ports: Ports): string[] {
  return [
    ...clientArgs(layout),
    "--bind-address=127.0.0.1",
    `--secure-port=${ports.scheduler}`,
    `--cert-dir=${join(layout.pkiDir, "kube-scheduler")}`,
    "--leader-elect=false",
  ];
}

/** kwok: manages only the nodes annotated as fake, moving them and their pods through the stages. */
export function kwokArgs(config: ClusterConfig, layout: Layout, ports: Ports): string[] {
  return [
    `--kubeconfig=${layout.kubeconfig}`,
    "--manage-all-nodes=false",
    `--manage-nodes-with-annotation-selector=${kwokNodeAnnotation.key}=${kwokNodeAnnotation.value}`,
    `--config=${stageFiles.join(",")}`,
    `--cidr=${config.podCidr}`,
    `--node-ip=${config.nodeIp}`,
    `--server-address=127.0.0.1:${ports.kwok}`,
    // Renew node leases as kubelets do, besides the heartbeat stage that refreshes node conditions.
    "--node-lease-duration-seconds=40",
  ];
}

function clientArgs(layout: Layout): string[] {
  return [
    `--kubeconfig=${layout.kubeconfig}`,
    `--authentication-kubeconfig=${layout.kubeconfig}`,
    `--authorization-kubeconfig=${layout.kubeconfig}`,
  ];
}
