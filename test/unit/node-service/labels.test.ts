import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { HEALTH_PATH_LABEL, healthcheckCommand, imageLabels } from "../../../modules/node-service/src/lib.js";

describe("image labels", () => {
  it("carries the OCI title, version, revision and source, and the health path and port", () => {
    expect(
      imageLabels({
        title: "@shop/api",
        version: "0.1.0",
        revision: "9a8a8f3",
        source: "https://git.example/shop",
        port: 3001,
        healthPath: "/healthz",
      }),
    ).toEqual({
      "org.opencontainers.image.title": "@shop/api",
      "org.opencontainers.image.version": "0.1.0",
      "org.opencontainers.image.revision": "9a8a8f3",
      "org.opencontainers.image.source": "https://git.example/shop",
      "io.node-service.health.path": "/healthz",
      "io.node-service.health.port": "3001",
    });
  });

  it("leaves out revision and source when they are not known, rather than writing empty labels", () => {
    const labels = imageLabels({ title: "t", version: "1", revision: "", port: 80, healthPath: "/h" });
    expect(Object.keys(labels)).not.toContain("org.opencontainers.image.revision");
    expect(Object.keys(labels)).not.toContain("org.opencontainers.image.source");
    expect(labels[HEALTH_PATH_LABEL]).toBe("/h");
  });

  it("refuses a health path that is not absolute", () => {
    expect(() => imageLabels({ title: "t", version: "1", port: 80, healthPath: "healthz" })).toThrow(/must start with/);
  });
});

describe("the healthcheck command (node only: slim images have no curl)", () => {
  // The probe runs as a child process, as Docker runs it, while this process serves the answers.
  const probe = (port: number, path: string) =>
    new Promise<number>((resolve) => {
      const [command, ...args] = healthcheckCommand(port, path, 1000);
      expect(command).toBe("node");
      spawn(process.execPath, args).on("exit", (code) => resolve(code ?? -1));
    });

  it("exits 0 on a 2xx, 1 on any other answer and 1 when nothing listens", async () => {
    const server = createServer((req, res) => {
      res.statusCode = req.url === "/healthz" ? 200 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await probe(port, "/healthz")).toBe(0);
      expect(await probe(port, "/readyz")).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await probe(port, "/healthz")).toBe(1);
  });
});
