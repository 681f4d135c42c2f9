// One layer pushed on top of a base image with crane (append, then mutate for the config), and digests read back:
// the steps every pod image shares. Layers are root-owned and world-readable, since pods run as another uid with a
// read-only root file system, and reproducible (sorted names, one mtime) so a rebuild of the same tree is the same
// layer.
import { rm } from "node:fs/promises";
import { run } from "../../cluster/src/exec.js";

/** The image config crane mutate writes over the base's. */
export interface ImageConfig {
  readonly env?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly entrypoint: readonly string[];
  readonly user?: string;
  readonly workdir?: string;
  readonly exposedPorts?: readonly string[];
}

/** What was pushed: the tag and the digest of its manifest. */
export interface PushedImage {
  readonly reference: string;
  readonly digest: string;
}

/** `entries` of `dir` (e.g. `app`) as a tar at `layer`, owned by 0:0, readable by everyone. */
export async function tarLayer(dir: string, entries: readonly string[], layer: string): Promise<void> {
  await run(
    "tar",
    [
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "--mode=a+rX",
      "--sort=name",
      "--mtime=@0",
      "-C",
      dir,
      "-cf",
      layer,
      ...entries,
    ],
    { timeoutMs: 300_000 },
  );
}

/** Pushes `layer` on `base` (or on nothing) as `reference` with `config`; returns the pushed digest. */
export async function pushLayer(
  crane: string,
  layer: string,
  reference: string,
  config: ImageConfig,
  base?: string,
): Promise<PushedImage> {
  try {
    await run(crane, ["append", "--insecure", ...(base ? ["-b", base] : []), "-f", layer, "-t", reference], {
      timeoutMs: 300_000,
    });
  } finally {
    await rm(layer, { force: true });
  }
  await run(crane, ["mutate", "--insecure", reference, ...mutateFlags(config, base === undefined), "-t", reference]);
  return { reference, digest: await remoteDigest(crane, reference) };
}

/** The digest of `reference` in the registry, or undefined when it is not there. */
export async function findDigest(crane: string, reference: string): Promise<string | undefined> {
  try {
    return await remoteDigest(crane, reference);
  } catch {
    return undefined;
  }
}

/** The repository of a tagged reference: `host:port/a/b:tag` → `host:port/a/b`. */
export function repositoryOf(reference: string): string {
  return reference.replace(/:[^:/]+$/, "");
}

async function remoteDigest(crane: string, reference: string): Promise<string> {
  return (await run(crane, ["digest", "--insecure", reference], { timeoutMs: 30_000 })).trim();
}

function mutateFlags(config: ImageConfig, fromScratch: boolean): string[] {
  return [
    ...(fromScratch ? ["--set-platform=linux/amd64"] : []),
    ...Object.entries(config.env ?? {}).flatMap(([name, value]) => ["--env", `${name}=${value}`]),
    ...Object.entries(config.labels ?? {}).flatMap(([name, value]) => ["--label", `${name}=${value}`]),
    // A new entrypoint clears the base's cmd (as Docker does), so `node` from node:*-slim is not appended.
    "--entrypoint",
    config.entrypoint.join(","),
    ...(config.user ? ["--user", config.user] : []),
    ...(config.workdir ? ["--workdir", config.workdir] : []),
    ...(config.exposedPorts?.length ? ["--exposed-ports", config.exposedPorts.join(",")] : []),
  ];
}
