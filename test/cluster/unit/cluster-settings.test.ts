// Pure parts of the test cluster; runs without root, Go or a cluster.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { controlPlaneBuildSpecs, goArgs, goBuildGroups, kubernetesLdflags } from "../src/binaries.js";
import { apiserverArgs, controllerManagerArgs, kwokArgs, layoutOf, type Ports, stageFiles } from "../src/components.js";
import { blackholeCidrs, defaultClusterConfig, firstServiceIp } from "../src/config.js";
import { fakeNodeManifests } from "../src/nodes.js";

const config = defaultClusterConfig({ HOME: "/home/test", CLUSTER_DIR: "/tmp/c" });
const ports: Ports = { etcdClient: 1, etcdPeer: 2, apiserver: 3, controllerManager: 4, scheduler: 5, kwok: 6 };
const certs = {
  caCert: "ca.crt",
  caKey: "ca.key",
  apiserverCert: "a.crt",
  apiserverKey: "a.key",
  adminCert: "adm.crt",
  adminKey: "adm.key",
  serviceAccountKey: "sa.key",
  serviceAccountPub: "sa.pub",
};

describe("cluster settings", () => {
  it("takes the run and cache directories from the environment", () => {
    expect(config.runDir).toBe("/tmp/c");
    expect(config.cacheDir).toBe("/home/test/.cache/ecommerce-delivery/cluster");
    expect(defaultClusterConfig({ XDG_CACHE_HOME: "/x" }).cacheDir).toBe("/x/ecommerce-delivery/cluster");
  });

  it("blackholes the pod, service and node ranges, and names the first service IP", () => {
    expect(blackholeCidrs(config)).toEqual(["10.244.0.0/16", "10.96.0.0/16", "10.95.0.0/24"]);
    expect(firstServiceIp("10.96.0.0/16")).toBe("10.96.0.1");
    expect(firstServiceIp("10.0.255.255/8")).toBe("10.1.0.0");
    expect(() => firstServiceIp("fd00::/64")).toThrow(/not an IPv4 range/);
  });

  it("binds every server to loopback", () => {
    const layout = layoutOf(config.runDir);
    expect(apiserverArgs(config, certs, ports)).toContain("--bind-address=127.0.0.1");
    expect(apiserverArgs(config, certs, ports)).toContain("--service-cluster-ip-range=10.96.0.0/16");
    expect(controllerManagerArgs(config, layout, certs, ports)).toEqual(
      expect.arrayContaining([
        "--bind-address=127.0.0.1",
        "--controllers=*",
        "--cluster-cidr=10.244.0.0/16",
        "--service-account-private-key-file=sa.key",
      ]),
    );
    expect(kwokArgs(config, layout, ports)).toEqual(
      expect.arrayContaining([
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        "--server-address=127.0.0.1:6",
        `--config=${stageFiles.join(",")}`,
      ]),
    );
  });

  it("stamps the Kubernetes version into component-base and client-go", () => {
    const flags = kubernetesLdflags("v1.37.2");
    for (const pkg of ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]) {
      expect(flags).toContain(`-X ${pkg}.gitVersion=v1.37.2`);
      expect(flags).toContain(`-X ${pkg}.gitMajor=1`);
      expect(flags).toContain(`-X ${pkg}.gitMinor=37`);
    }
  });

  it("builds Kubernetes' four binaries with one go build, and etcd and kwok each with their own", () => {
    const groups = goBuildGroups(controlPlaneBuildSpecs({ kubernetes: "v1.37.2" }));
    expect(groups.map((group) => group.map((spec) => spec.name))).toEqual([
      ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl"],
      ["etcd"],
      ["kwok"],
    ]);
    const [kubernetes, etcd] = groups;
    expect(goArgs(kubernetes ?? [], "/out")).toEqual([
      "build",
      "-mod=readonly",
      "-trimpath",
      "-buildvcs=false",
      `-ldflags=${kubernetesLdflags("v1.37.2")}`,
      "-o",
      "/out/",
      "k8s.io/kubernetes/cmd/kube-apiserver",
      "k8s.io/kubernetes/cmd/kube-controller-manager",
      "k8s.io/kubernetes/cmd/kube-scheduler",
      "k8s.io/kubernetes/cmd/kubectl",
    ]);
    expect(goArgs(etcd ?? [], "/out")).toEqual([
      "build",
      "-mod=readonly",
      "-trimpath",
      "-buildvcs=false",
      "-ldflags=-s -w",
      "-o",
      "/out/etcd",
      ".",
    ]);
  });

  it("hands three annotated, labelled nodes with allocatable resources to kwok", () => {
    const nodes = fakeNodeManifests(config) as {
      metadata: { name: string; annotations: Record<string, string>; labels: Record<string, string> };
      status: { allocatable: Record<string, string> };
    }[];
    expect(nodes.map((n) => n.metadata.name)).toEqual(["kwok-node-0", "kwok-node-1", "kwok-node-2"]);
    for (const node of nodes) {
      expect(node.metadata.annotations["kwok.x-k8s.io/node"]).toBe("fake");
      expect(node.metadata.labels.type).toBe("kwok");
      expect(node.status.allocatable).toEqual({ cpu: "8", memory: "32Gi", pods: "110" });
    }
  });

  it("uses only selector operators kwok knows, since kwok ignores a stage it cannot match", () => {
    for (const file of stageFiles) {
      const text = readFileSync(file, "utf8");
      const operators = [...text.matchAll(/operator: (\S+)/g)].map((m) => m[1]);
      expect(operators.length, file).toBeGreaterThan(0);
      for (const operator of operators) expect(["In", "NotIn", "Exists", "DoesNotExist"], file).toContain(operator);
      expect(text, file).not.toMatch(/^\s*- cel:/m);
    }
  });
});
