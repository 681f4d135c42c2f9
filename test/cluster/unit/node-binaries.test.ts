// How the real node's binaries are built; runs without root, Go or a cluster.
import { describe, expect, it } from "vitest";
import { goArgs, goBuildGroups, kubernetesLdflags, requiredVersionIn } from "../src/binaries.js";
import { nodeBuildSpecs } from "../src/node-binaries.js";
import { prometheusBuildSpecs } from "../src/prometheus-binary.js";

const specs = nodeBuildSpecs({ kubernetes: "v1.37.2", containerd: "v2.3.7" });
const spec = (name: string) => {
  const found = specs.find((s) => s.name === name);
  if (!found) throw new Error(`no spec for ${name}`);
  return found;
};

describe("node binaries", () => {
  it("builds kubelet and kube-proxy like the control plane: same ldflags, no cgo", () => {
    for (const name of ["kubelet", "kube-proxy"]) {
      expect(spec(name)).toMatchObject({ module: "kubelet", ldflags: kubernetesLdflags("v1.37.2") });
      expect(spec(name).cgo).toBeFalsy();
    }
  });

  it("uses cgo only for runc, which needs libseccomp", () => {
    expect(specs.filter((s) => s.cgo).map((s) => s.name)).toEqual(["runc"]);
    expect(spec("runc").tags).toContain("seccomp");
    expect(spec("runc").tags).not.toContain("libpathrs");
  });

  it("leaves the snapshotters that need C libraries out of containerd and stamps its version", () => {
    expect(spec("containerd").tags).toEqual(expect.arrayContaining(["no_btrfs", "no_devmapper", "no_zfs"]));
    expect(spec("containerd").ldflags).toContain("-X github.com/containerd/containerd/v2/version.Version=v2.3.7");
    expect(spec("containerd-shim-runc-v2").tags).toContain("no_grpc");
  });

  it("builds the slowest binary first and every one under its own name", () => {
    expect(specs[0]?.name).toBe("kubelet");
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
  });

  it("passes tags to go build as one comma-separated flag, before the output", () => {
    expect(goArgs([spec("runc")], "/out")).toEqual([
      "build",
      "-mod=readonly",
      "-trimpath",
      "-buildvcs=false",
      "-tags=seccomp,urfave_cli_no_docs",
      "-ldflags=-s -w",
      "-o",
      "/out/runc",
      "github.com/opencontainers/runc",
    ]);
  });

  it("builds binaries that share a module, flags and cgo with one go build; a package named '.' alone", () => {
    expect(goBuildGroups(specs).map((group) => group.map((s) => s.name))).toEqual([
      ["kubelet", "kube-proxy"],
      ["containerd", "ctr"],
      ["coredns"],
      ["containerd-shim-runc-v2"],
      ["runc"],
    ]);
  });

  it("builds Prometheus and promtool together with Kubernetes' service discovery only", () => {
    const groups = goBuildGroups(prometheusBuildSpecs("v0.316.0"));
    expect(groups.map((group) => group.map((s) => s.name))).toEqual([["prometheus", "promtool"]]);
    const args = goArgs(groups[0] ?? [], "/out");
    expect(args).toContain("-tags=netgo,remove_all_sd,enable_kubernetes_sd");
    expect(args.slice(-3)).toEqual([
      "/out/",
      "github.com/prometheus/prometheus/cmd/prometheus",
      "github.com/prometheus/prometheus/cmd/promtool",
    ]);
  });

  it("reads a required version from a require line or a require block, not from a longer module path", () => {
    const goMod = [
      "module example",
      "require github.com/coredns/coredns v1.15.0",
      "require (",
      "\tgithub.com/containerd/containerd/api v1.11.1 // indirect",
      "\tgithub.com/containerd/containerd/v2 v2.3.7 // indirect",
      ")",
    ].join("\n");
    expect(requiredVersionIn(goMod, "github.com/coredns/coredns")).toBe("v1.15.0");
    expect(requiredVersionIn(goMod, "github.com/containerd/containerd/v2")).toBe("v2.3.7");
    expect(requiredVersionIn(goMod, "github.com/containerd/containerd")).toBeUndefined();
  });
});
