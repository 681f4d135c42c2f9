// A root file system pushed as a one-layer linux/amd64 image with crane, and labels read back from the registry.
import { rm } from "node:fs/promises";
import { run } from "../../cluster/src/exec.js";
import type { Rootfs } from "./rootfs.js";

/** The image config written on top of the layer. */
export interface ImageSettings {
  readonly env: Readonly<Record<string, string>>;
  readonly entrypoint?: readonly string[];
  readonly cmd: readonly string[];
  readonly exposedPorts?: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** Tars the root file system (without what the runtime mounts: /dev, /proc, /sys) and pushes it as `reference`. */
export async function pushRootfs(crane: string, rootfs: Rootfs, reference: string, settings: ImageSettings) {
  const layer = `${rootfs.dir}.tar`;
  try {
    await run(
      "tar",
      [
        "--numeric-owner",
        "-C",
        rootfs.dir,
        "--exclude=./dev/*",
        "--exclude=./proc/*",
        "--exclude=./sys/*",
        "-cf",
        layer,
        ".",
      ],
      { timeoutMs: 600_000 },
    );
    await run(crane, ["append", "--insecure", "--new_layer", layer, "--new_tag", reference], { timeoutMs: 600_000 });
    const config = [
      "--set-platform=linux/amd64",
      ...Object.entries(settings.env).flatMap(([name, value]) => ["--env", `${name}=${value}`]),
      ...Object.entries(settings.labels).flatMap(([name, value]) => ["--label", `${name}=${value}`]),
      ...(settings.entrypoint ? ["--entrypoint", settings.entrypoint.join(",")] : []),
      "--cmd",
      settings.cmd.join(","),
      ...(settings.exposedPorts?.length ? ["--exposed-ports", settings.exposedPorts.join(",")] : []),
    ];
    await run(crane, ["mutate", "--insecure", reference, ...config, "--tag", reference], { timeoutMs: 120_000 });
  } finally {
    await rm(layer, { force: true });
  }
}

/** A label of the image at `reference`, or undefined when the image or the label is not there. */
export async function imageLabel(crane: string, reference: string, label: string): Promise<string | undefined> {
  try {
    const config = JSON.parse(await run(crane, ["config", "--insecure", reference], { timeoutMs: 30_000 })) as {
      config?: { Labels?: Record<string, string> };
    };
    return config.config?.Labels?.[label];
  } catch {
    return undefined;
  }
}
