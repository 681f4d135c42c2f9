// The deliver CLI reaching the API server at another address than the kubeconfig's (env --api-server), with TLS
// still verified against the certificate's real name. The fixture certificate is issued, like a local control
// plane's, for IP 127.0.0.1 only (test-only CA and key under fixtures/).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API_SERVER_VARIABLE,
  ApiServerAddressError,
  redirectCluster,
  redirectCurrentCluster,
} from "../../../src/cli/deliver/api-server.js";
import { connect } from "../../../src/cli/deliver/shared.js";
import { type Cluster, KubeConfig } from "../../../src/delivery/kube-client.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const cluster = (server: string, extra: Partial<Cluster> = {}): Cluster => ({
  name: "local",
  server,
  skipTLSVerify: false,
  ...extra,
});

describe("redirectCluster", () => {
  it("moves the server to host:port and verifies TLS against the original host, an IP here", () => {
    expect(redirectCluster(cluster("https://127.0.0.1:37437"), "kube-apiserver:37437")).toEqual(
      cluster("https://kube-apiserver:37437", { tlsServerName: "127.0.0.1" }),
    );
  });

  it("keeps a path prefix, a tls-server-name the kubeconfig already has, and never turns verification off", () => {
    const redirected = redirectCluster(
      cluster("https://10.0.0.5:6443/k8s", { tlsServerName: "api.internal", caData: "Q0E=" }),
      "kube-apiserver:6443",
    );
    expect(redirected).toEqual(
      cluster("https://kube-apiserver:6443/k8s", { tlsServerName: "api.internal", caData: "Q0E=" }),
    );
  });

  it("names an IPv6 server by its address without brackets; a plain-http server gets no TLS name", () => {
    expect(redirectCluster(cluster("https://[::1]:6443"), "kube-apiserver:6443").tlsServerName).toBe("::1");
    expect(redirectCluster(cluster("http://127.0.0.1:8080"), "kube-apiserver:8080")).toEqual(
      cluster("http://kube-apiserver:8080"),
    );
  });

  it("refuses an address that is not host:port, naming the variable", () => {
    for (const bad of ["kube-apiserver", "https://kube-apiserver:6443", "kube-apiserver:0", "a b:1", "user@h:1"]) {
      expect(() => redirectCluster(cluster("https://127.0.0.1:6443"), bad)).toThrow(ApiServerAddressError);
    }
    expect(() => redirectCluster(cluster("https://127.0.0.1:6443"), "kube-apiserver")).toThrow(
      `${API_SERVER_VARIABLE} "kube-apiserver" is not a host:port`,
    );
  });
});

describe("redirectCurrentCluster", () => {
  it("moves only the current context's cluster", () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [cluster("https://127.0.0.1:1111"), { ...cluster("https://10.1.1.1:6443"), name: "other" }],
      users: [{ name: "u", token: "t" }],
      contexts: [
        { name: "here", cluster: "local", user: "u" },
        { name: "there", cluster: "other", user: "u" },
      ],
      currentContext: "here",
    });
    redirectCurrentCluster(kc, "kube-apiserver:1111");
    expect(kc.getCurrentCluster()).toMatchObject({ server: "https://kube-apiserver:1111", tlsServerName: "127.0.0.1" });
    expect(kc.getCluster("other")).toMatchObject({ server: "https://10.1.1.1:6443" });
    expect(kc.getCluster("other")?.tlsServerName).toBeUndefined();
  });
});

describe("connect with DELIVER_API_SERVER, over real TLS", () => {
  let server: Server;
  let port: number;
  let dir: string;
  const kubeconfigFor = (serverUrl: string) => {
    const path = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
    const ca = Buffer.from(fixture("ca.pem")).toString("base64");
    writeFileSync(
      path,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: local\n  cluster:\n    server: ${serverUrl}\n    certificate-authority-data: ${ca}`,
        "users:\n- name: admin\n  user:\n    token: test-token",
        "contexts:\n- name: local\n  context:\n    cluster: local\n    user: admin",
        "current-context: local",
      ].join("\n"),
    );
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "api-server-"));
    server = createServer({ cert: fixture("apiserver.pem"), key: fixture("apiserver.key") }, (req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(req.url === "/version" ? { major: "1", minor: "34", gitVersion: "v1.34.0" } : {}));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("reaches the server under another name and verifies its 127.0.0.1 certificate", async () => {
    const path = kubeconfigFor(`https://127.0.0.1:${port}`);
    const kc = await connect(path, { [API_SERVER_VARIABLE]: `localhost:${port}` });
    expect(kc.getCurrentCluster()).toMatchObject({ server: `https://localhost:${port}`, tlsServerName: "127.0.0.1" });
  });

  it("fails verification when the name the certificate was issued for is not kept", async () => {
    // What a bare server swap would do: the certificate names 127.0.0.1, not localhost.
    await expect(connect(kubeconfigFor(`https://localhost:${port}`), {})).rejects.toThrow(
      /ERR_TLS_CERT_ALTNAME_INVALID/,
    );
  });

  it("still fails verification without the CA that issued the certificate", async () => {
    const path = kubeconfigFor(`https://127.0.0.1:${port}`);
    writeFileSync(path, readFileSync(path, "utf8").replace(/\n\s*certificate-authority-data: \S+/, ""));
    await expect(connect(path, { [API_SERVER_VARIABLE]: `localhost:${port}` })).rejects.toThrow(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
    );
  });
});
